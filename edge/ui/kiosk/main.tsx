import { mount } from '../common/mount'
import { App } from './App'
import './kiosk.css'

mount(<App />)
