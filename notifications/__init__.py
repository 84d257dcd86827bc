"""Telling people: domain events become outbox emails and in-app notifications in the same
transaction as the change (`subscribers`, with `compose`, `recipients`, `wording`, `emails`);
the scheduler delivers the outbox with retries (`delivery`) through one of the transports
(`transports` for SMTP, `notify` for GOV.UK Notify, `capture` for local capture); `inapp`
serves the notifications page; `case_letters` renders the letters a transition sends."""
