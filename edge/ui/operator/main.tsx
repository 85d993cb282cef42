import { mount } from '../common/mount'
import { App } from './App'
import './operator.css'

mount(<App />)
