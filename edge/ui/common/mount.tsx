import type { ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles.css'

/** Renders an app into `#root`. */
export function mount(app: ReactNode): void {
  const root = document.getElementById('root')
  if (!root) throw new Error('#root is missing')
  createRoot(root).render(app)
}
