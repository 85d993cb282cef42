import { mount } from '../common/mount'
import { App } from './App'
import './status.css'

mount(<App />)
