import { describe, expect, it } from 'vitest'
import { deviceFromUrl, withoutCredentials } from './device'

const SECRET = 'abcdefghijklmnopqrstuvwxyz012345'

describe('device identity from a provisioning link', () => {
  it('reads the device, secret and counter', () => {
    expect(deviceFromUrl(`?device=hall-1&secret=${SECRET}&lang=kk`)).toEqual({
      deviceId: 'hall-1',
      secret: SECRET,
      counterId: null,
      branchId: null,
    })
    expect(deviceFromUrl(`?device=counter-display-c1&secret=${SECRET}&counter=c1`)).toMatchObject({
      counterId: 'c1',
    })
  })

  it('ignores incomplete or malformed links', () => {
    expect(deviceFromUrl('?device=hall-1')).toBeNull()
    expect(deviceFromUrl(`?device=Hall 1&secret=${SECRET}`)).toBeNull()
    expect(deviceFromUrl('')).toBeNull()
  })

  it('removes the secret from the address and keeps the rest', () => {
    expect(
      withoutCredentials(`http://x:8080/display/?lang=kk&device=hall-1&secret=${SECRET}`),
    ).toBe('http://x:8080/display/?lang=kk')
  })
})
