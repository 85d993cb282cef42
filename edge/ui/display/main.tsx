import { mount } from '../common/mount'
import { App } from './App'
import './display.css'

mount(<App />)
