import { mount } from '../common/mount'
import { App } from './App'
import './manager.css'

mount(<App />)
