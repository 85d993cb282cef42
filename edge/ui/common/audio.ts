import type { Language } from '@kqms/shared/domain'
import { useEffect, useReducer, useRef, useState } from 'react'
import {
  announcerReducer,
  clipsOf,
  INITIAL_ANNOUNCER,
  type Announcement,
  type AnnouncerAction,
  type AnnouncerState,
} from './announcer'

/** One record per clip event, for people debugging a display and for the end-to-end tests. */
export interface AudioLogEntry {
  readonly url: string
  readonly event: 'play' | 'ended' | 'error' | 'blocked'
  readonly key: string
  readonly at: number
}

declare global {
  interface Window {
    __kqmsAudioLog?: AudioLogEntry[]
  }
}

function log(entry: AudioLogEntry): void {
  window.__kqmsAudioLog ??= []
  window.__kqmsAudioLog.push(entry)
  if (window.__kqmsAudioLog.length > 200) window.__kqmsAudioLog.shift()
}

const CLIP_TIMEOUT_MS = 20_000

/** Plays one clip to its end; resolves either way (a broken clip must not stop the queue). */
function playClip(
  audio: HTMLAudioElement,
  input: { url: string; key: string },
): Promise<'ended' | 'error' | 'blocked'> {
  return new Promise((resolve) => {
    const finish = (event: 'ended' | 'error' | 'blocked') => {
      clearTimeout(timer)
      audio.onended = null
      audio.onerror = null
      log({ url: input.url, event, key: input.key, at: Date.now() })
      resolve(event)
    }
    const timer = setTimeout(() => finish('error'), CLIP_TIMEOUT_MS)
    audio.onended = () => finish('ended')
    audio.onerror = () => finish('error')
    audio.src = input.url
    log({ url: input.url, event: 'play', key: input.key, at: Date.now() })
    audio.play().catch((error: unknown) => {
      finish(
        error instanceof DOMException && error.name === 'NotAllowedError' ? 'blocked' : 'error',
      )
    })
  })
}

/**
 * Runs the announcement queue: one `<audio>` element, one announcement at a time, clip after clip.
 * `blocked` is true when the browser refused to play without a user gesture (a kiosk browser
 * should run with `--autoplay-policy=no-user-gesture-required`); `unblock()` is a tap handler.
 */
export function useAnnouncer(alsoIn: readonly Language[]): {
  state: AnnouncerState
  dispatch: (action: AnnouncerAction) => void
  blocked: boolean
  unblock: () => void
} {
  const [state, dispatch] = useReducer(announcerReducer, INITIAL_ANNOUNCER)
  // One element for the page's life: browsers unlock autoplay per element after a gesture.
  const element = useRef<HTMLAudioElement | null>(null)
  const audio = () => (element.current ??= new Audio())
  const [blocked, setBlocked] = useState(false)
  const alsoKey = alsoIn.join(',')

  useEffect(() => {
    if (state.playing === null && state.queue.length > 0)
      dispatch({ type: 'next', now: Date.now() })
  }, [state.playing, state.queue.length])

  const playing: Announcement | null = state.playing
  useEffect(() => {
    if (playing === null) return undefined
    let cancelled = false
    const run = async () => {
      const also = alsoKey === '' ? [] : (alsoKey.split(',') as Language[])
      for (const url of clipsOf(playing, also)) {
        if (cancelled) return
        const result = await playClip(audio(), { url, key: playing.key })
        if (result === 'blocked') setBlocked(true)
      }
      if (!cancelled) dispatch({ type: 'done', key: playing.key })
    }
    void run()
    return () => {
      cancelled = true
    }
  }, [playing, alsoKey])

  return {
    state,
    dispatch,
    blocked,
    unblock: () => {
      setBlocked(false)
      // A silent play inside the tap handler unlocks later plays.
      const el = audio()
      el.src = '/audio/chime.wav'
      el.volume = 0
      void el
        .play()
        .catch(() => undefined)
        .finally(() => {
          el.pause()
          el.volume = 1
        })
    },
  }
}
