// Bexley Compact casework: starts GOV.UK and MOJ Frontend components and warns people before
// an idle session ends. Loaded as <script type="module">; the CSP allows no inline script.
import { initAll as initGovukFrontend } from './govuk/govuk-frontend.min.js'
import { initAll as initMojFrontend } from './moj/moj-frontend.min.js'

// GOV.UK's page template sets these classes with an inline script; our copy of it
// (templates/layout/govuk_template.html) leaves that out because the CSP forbids inline script.
// Module scripts only run in browsers that GOV.UK Frontend supports, so this is always right.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()

const ACTIVITY_KEY = 'casework:last-server-contact'

// ---------------------------------------------------------------------------------------------
// Idle timeout warning (WCAG 2.2.1 Timing adjustable).
//
// Turned on by <body data-idle-timeout-seconds="N" data-idle-warning-seconds="M"
// data-extend-url="/session/extend"> and a <dialog id="app-timeout-dialog"> in the page
// (templates/_timeout_dialog.html), which holds the sign-out form: signing out is a POST with
// the CSRF token, never a link to follow.
// The server's idle clock restarts on every request, so this clock restarts on every page
// load and on every "Stay signed in". Tabs share the time of the latest contact through
// localStorage, so working in one tab keeps the others from signing out.
// ---------------------------------------------------------------------------------------------
function startIdleTimeout () {
  const data = document.body.dataset
  const timeoutSeconds = Number(data.idleTimeoutSeconds)
  const warningSeconds = Math.min(Number(data.idleWarningSeconds) || 120, timeoutSeconds)
  const extendUrl = data.extendUrl
  const dialog = document.getElementById('app-timeout-dialog')
  const signOutForm = dialog && dialog.querySelector('form[data-timeout-sign-out]')

  if (!(timeoutSeconds > 0) || !extendUrl || !dialog || !signOutForm ||
      typeof dialog.showModal !== 'function') {
    return
  }

  const stayButton = dialog.querySelector('[data-timeout-stay]')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const spokenCountdown = dialog.querySelector('[data-timeout-countdown-spoken]')
  const liveRegion = dialog.querySelector('[data-timeout-live]')
  const errorMessage = dialog.querySelector('[data-timeout-error]')

  let lastContact = Date.now()
  let focusBeforeOpen = null
  let lastAnnounced = null
  let extending = false
  let signingOut = false

  recordContact()

  function recordContact () {
    lastContact = Date.now()
    try {
      window.localStorage.setItem(ACTIVITY_KEY, String(lastContact))
    } catch (error) {
      // Storage can be turned off; each tab then keeps its own clock.
    }
  }

  function latestContact () {
    let shared = 0
    try {
      shared = Number(window.localStorage.getItem(ACTIVITY_KEY)) || 0
    } catch (error) {
      shared = 0
    }
    return Math.max(lastContact, shared)
  }

  function describe (seconds) {
    if (seconds > 60) {
      const minutes = Math.ceil(seconds / 60)
      return `${minutes} minutes`
    }
    return seconds === 1 ? '1 second' : `${seconds} seconds`
  }

  // Screen readers hear the time left when the dialog opens (it is part of the description),
  // then at each new minute and every 15 seconds in the last minute: not every second.
  function announce (seconds) {
    const key = seconds > 60 ? `m${Math.ceil(seconds / 60)}` : `s${Math.ceil(seconds / 15)}`
    if (key === lastAnnounced) return
    const firstTime = lastAnnounced === null
    lastAnnounced = key
    if (!firstTime) {
      liveRegion.textContent = `You will be signed out in ${describe(seconds)}.`
    }
  }

  function show (seconds) {
    countdown.textContent = describe(seconds)
    spokenCountdown.textContent = describe(seconds)
    if (dialog.open) {
      announce(seconds)
      return
    }
    focusBeforeOpen = document.activeElement
    errorMessage.hidden = true
    liveRegion.textContent = ''
    lastAnnounced = null
    announce(seconds)
    dialog.showModal()
    stayButton.focus()
  }

  function hide () {
    if (!dialog.open) return
    dialog.close()
    if (focusBeforeOpen && document.contains(focusBeforeOpen) && focusBeforeOpen.focus) {
      focusBeforeOpen.focus()
    }
    focusBeforeOpen = null
  }

  // Time is up (or the server has already ended the session): send the dialog's sign-out
  // form, saying why, so that the sign-in page can tell the person.
  function signOut () {
    if (signingOut) return
    signingOut = true
    signOutForm.elements.timeout.value = '1'
    signOutForm.submit()
  }

  async function extend () {
    if (extending) return
    extending = true
    const token = document.querySelector('meta[name="csrf-token"]')?.content || ''
    try {
      const response = await fetch(extendUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': token, Accept: 'application/json' }
      })
      if (response.status === 400) {
        // This page's CSRF token is stale: the person signed out, or in again, in another tab.
        // Load the page afresh and let the server say which.
        signingOut = true
        window.location.assign(window.location.href)
        return
      }
      if (response.redirected || [401, 403].includes(response.status)) {
        // The session has already gone.
        signOut()
        return
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      recordContact()
      hide()
    } catch (error) {
      errorMessage.hidden = false
      stayButton.focus()
    } finally {
      extending = false
    }
  }

  function tick () {
    const secondsLeft = Math.ceil((latestContact() + timeoutSeconds * 1000 - Date.now()) / 1000)
    if (secondsLeft <= 0) {
      signOut()
    } else if (secondsLeft <= warningSeconds) {
      show(secondsLeft)
    } else {
      // Another tab kept the session going.
      hide()
    }
  }

  stayButton.addEventListener('click', extend)
  signOutForm.addEventListener('submit', () => { signingOut = true })
  // Escape means "not now", so treat it as "Stay signed in" rather than leaving the warning
  // dismissed with the clock still running.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    extend()
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') tick()
  })
  window.setInterval(tick, 1000)
}

startIdleTimeout()
