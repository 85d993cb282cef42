export * from './identity.js'
export * from './topics.js'
export * from './messages.js'
export * from './printer.js'
