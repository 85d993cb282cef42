export * from './ids.js'
export * from './catalogue.js'
export * from './events.js'
export * from './ticket-number.js'
