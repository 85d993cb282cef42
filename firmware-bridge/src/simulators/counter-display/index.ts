export {
  CounterDisplaySimulator,
  runSerialCounterDisplaySimulator,
} from './counter-display.simulator.js'
export type {
  CounterDisplaySimulatorOptions,
  SerialCounterDisplaySimulator,
  SimulatedDisplay,
} from './counter-display.simulator.js'
export { openSimulatorPort } from './serial-port.js'
export type { SimulatorPort, SimulatorPortOptions } from './serial-port.js'
