export { buttonPanelDriver, ButtonPanelOptions } from './button-panel.driver.js'
