export {
  counterDisplayDriver,
  CounterDisplayOptions,
  CounterDisplayDesired,
} from './counter-display.driver.js'
export {
  DisplayFrameFormat,
  createDisplayCodec,
  encodeDisplayRequest,
  encodeDisplayReply,
  decodeDisplayReplies,
  decodeDisplayRequests,
  computeChecksum,
} from './display-codec.js'
export type { DisplayRequest, DisplayReply, ReceivedDisplayFrame } from './display-codec.js'
export type { CounterDisplayDeviceDriver } from './counter-display.driver.js'
