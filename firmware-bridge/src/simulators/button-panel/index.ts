export {
  ButtonPanelSimulator,
  DEFAULT_KEY_CODES,
  runSerialButtonPanelSimulator,
} from './button-panel.simulator.js'
export type {
  ButtonPanelSimulatorOptions,
  SerialButtonPanelSimulator,
} from './button-panel.simulator.js'
