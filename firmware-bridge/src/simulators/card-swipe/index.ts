export {
  CardSwipeSimulator,
  runSerialCardSwipeSimulator,
  toSwipeText,
  toTracks,
} from './card-swipe.simulator.js'
export type {
  CardSwipeSimulatorOptions,
  SerialCardSwipeSimulator,
  SwipeOptions,
} from './card-swipe.simulator.js'
