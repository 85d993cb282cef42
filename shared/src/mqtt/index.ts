export * from './identity.js'
export * from './topics.js'
export * from './messages.js'
