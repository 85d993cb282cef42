import { buttonPanelDriver } from './button-panel/index.js'
import { cardReaderDriver } from './card-reader/index.js'
import { counterDisplayDriver } from './counter-display/index.js'
import type { DriverFactory } from './driver.js'
import { printerDriver } from './printer/index.js'

/**
 * The device kinds this build of the bridge drives. A device in the configuration file names one
 * of these kinds; its `options` are parsed with the factory's schema.
 */
export const DRIVER_FACTORIES: readonly DriverFactory[] = [
  printerDriver,
  cardReaderDriver,
  counterDisplayDriver,
  buttonPanelDriver,
]
