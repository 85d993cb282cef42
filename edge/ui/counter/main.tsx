import { mount } from '../common/mount'
import { App } from './App'
import './counter.css'

mount(<App />)
