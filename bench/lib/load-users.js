'use strict';
/**
 * bench:load's virtual users: phone callers (whole calls, one step per action), integrators
 * (list and book), staff (the overview). Each user is an `act(agent, phase)` function.
 */
const http = require('http');
const { DateTime } = require('luxon');
const { signedHeaders } = require('./env');
const { sleep } = require('./processes');
const { OVERVIEW_ROUTES } = require('./seed');

const random = (min, max) => min + Math.random() * (max - min);
const randomInt = (n) => Math.floor(Math.random() * n);
const pick = (list) => list[randomInt(list.length)];

/** `recorder` from ./recorder.js; the run's settings. */
const createUsers = (recorder, { runId, zone, retellDays, thinkMs, rampMs }) => {
  const { stats, send, appError, outcome } = recorder;
  const sign = (body) => signedHeaders(body);

  const berlinToday = () => DateTime.now().setZone(zone).startOf('day');

  /** A phone caller of one company: each action is the next step of a call. */
  const caller = (index, company) => {
    let step = 0;
    let calls = 0;
    let call = null;
    let wish = null;
    let offer = null;
    let booked = null;
    let ended = null;
    const post = (agent, phase, route, payload) => {
      const body = JSON.stringify(payload);
      const template =
        route === 'webhook'
          ? 'POST /api/retell/webhook'
          : `POST /api/retell/functions/${payload.name}`;
      return send(agent, template, phase, {
        method: 'POST',
        path: `/api/retell/${route}`,
        headers: sign(body),
        body,
      }).then((result) => ({ ...result, template }));
    };
    return async (agent, phase) => {
      if (step === 0) {
        calls += 1;
        const existing = Math.random() < 0.5;
        const startedAt = Date.now();
        call = {
          call_id: `call_load_${runId}_${index}_${calls}`,
          call_type: 'phone_call',
          agent_id: company.agent,
          agent_version: 1,
          direction: 'inbound',
          from_number: existing
            ? `+4930${String(company.id * 10000 + randomInt(1000)).padStart(9, '0')}`
            : `+49157${String(index).padStart(3, '0')}${String(calls).padStart(5, '0')}`,
          to_number: `+4930555${String(company.id).padStart(4, '0')}`,
          call_status: 'ongoing',
          start_timestamp: startedAt,
        };
        const day = berlinToday().plus({ days: retellDays[0] + randomInt(retellDays[1]) });
        const service = Math.random() < 0.6 ? 'Schnitt' : pick(['Farbe', 'Beratung']);
        wish = {
          service,
          date: day.toISODate(),
          ...(Math.random() < 0.25
            ? { preference: pick(['vormittags', 'nachmittags']) }
            : { time: `${8 + randomInt(10)}:${pick(['00', '30'])}` }),
        };
        offer = null;
        booked = null;
        const result = await post(agent, phase, 'webhook', { event: 'call_started', call });
        step = 1;
        return result;
      }
      if (step === 1) {
        const result = await post(agent, phase, 'functions/check_availability', {
          name: 'check_availability',
          call,
          args: wish,
        });
        if (result.json?.reason === 'error')
          appError(result.template, result, 'check_availability answered reason "error"');
        offer = result.json;
        outcome(
          `check_availability: ${result.ok ? (offer?.available ? 'free on the day asked' : offer?.slots?.length ? 'alternatives on another day' : `nothing (${offer?.reason ?? 'none free'})`) : 'failed'}`
        );
        step = 2;
        return result;
      }
      if (step === 2) {
        const slots = offer?.slots ?? [];
        const date = offer?.date ?? wish.date;
        const time = slots.length ? pick(slots.slice(0, 3)) : (wish.time ?? '10:00');
        const args = {
          customer_name: `Anrufer ${index}-${calls}`,
          service: wish.service,
          date,
          time,
        };
        const result = await post(agent, phase, 'functions/book_appointment', {
          name: 'book_appointment',
          call,
          args,
        });
        if (result.json?.reason === 'error')
          appError(result.template, result, 'book_appointment answered reason "error"');
        booked = { ...args, success: result.json?.success === true };
        outcome(
          `book_appointment: ${!result.ok ? 'failed' : booked.success ? 'booked' : `refused (${result.json?.reason})`}`
        );
        step = 3;
        return result;
      }
      if (step === 3) {
        const endedAt = Date.now();
        ended = {
          ...call,
          call_status: 'ended',
          end_timestamp: endedAt,
          duration_ms: endedAt - call.start_timestamp,
          disconnection_reason: 'user_hangup',
          transcript: `Agent: Guten Tag, Salon, was kann ich für Sie tun?\nUser: Ich hätte gern einen Termin für ${wish.service}.\nAgent: Gern.\n`,
        };
        step = 4;
        return post(agent, phase, 'webhook', { event: 'call_ended', call: ended });
      }
      step = 0;
      return post(agent, phase, 'webhook', {
        event: 'call_analyzed',
        call: {
          ...ended,
          call_analysis: {
            call_summary: booked?.success
              ? `${booked.customer_name} hat ${booked.service} am ${booked.date} um ${booked.time} gebucht.`
              : 'Anrufer hat keinen passenden Termin gefunden.',
            user_sentiment: booked?.success ? 'Positive' : 'Neutral',
            call_successful: !!booked?.success,
            in_voicemail: false,
            custom_analysis_data: booked
              ? {
                  customer_name: booked.customer_name,
                  service: booked.service,
                  appointment_date: booked.date,
                  appointment_time: booked.time,
                  booking_confirmed: booked.success,
                }
              : {},
          },
        },
      });
    };
  };

  /** The n-th day (0-based) that is open (Monday–Saturday), counted from the first Monday on or after `first`. */
  const openDay = (first, n) => {
    const monday = first.plus({ days: (8 - first.weekday) % 7 });
    return monday.plus({ days: Math.floor(n / 6) * 7 + (n % 6) });
  };

  /** An integrator's system: lists appointments and books new ones into slots only it uses. */
  const integrator = (index, count, company, token, slotBase) => {
    let created = 0;
    const headers = { authorization: `Bearer ${token}` };
    return async (agent, phase) => {
      if (Math.random() < 0.7) {
        const filtered = Math.random() < 0.5;
        const upcoming = filtered
          ? `&filters[startsAt][$gte]=${new Date().toISOString()}&sort=startsAt:asc`
          : '';
        const page = Math.random() < 0.2 ? `&pagination[page]=${2 + randomInt(4)}` : '';
        return send(agent, 'GET /api/appointments', phase, {
          method: 'GET',
          path: `/api/appointments?pagination[pageSize]=25&populate=customer${upcoming}${page}`,
          headers,
        });
      }
      // The k-th booking of integrator i: open day floor(k/24)·count + i, slot k mod 24 from 08:00 (24 × 30 min until 20:00).
      const day = openDay(slotBase, Math.floor(created / 24) * count + index);
      const startsAt = day.set({ hour: 8, minute: 0 }).plus({ minutes: (created % 24) * 30 });
      created += 1;
      const body = JSON.stringify({
        data: {
          startsAt: startsAt.toUTC().toISO(),
          customer: `dc-${company.id}-${randomInt(1000)}`,
          service: company.services.Schnitt,
          notes: `Gebucht über die API (${index}/${created})`,
        },
      });
      const result = await send(agent, 'POST /api/appointments', phase, {
        method: 'POST',
        path: '/api/appointments',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
      outcome(`integrator create: ${result.status}`);
      return result;
    };
  };

  /** A staff member with the overview open: reads a widget, now and then changes an appointment's state. */
  const staffMember = (token, pool) => {
    const headers = { authorization: `Bearer ${token}` };
    return async (agent, phase) => {
      if (Math.random() < 0.05 && pool.length) {
        const documentId = pool.pop();
        const body = JSON.stringify({ state: Math.random() < 0.5 ? 'completed' : 'no_show' });
        return send(agent, 'PUT /overview/appointments/:documentId/state', phase, {
          method: 'PUT',
          path: `/overview/appointments/${documentId}/state`,
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
      }
      const route = pick(OVERVIEW_ROUTES);
      return send(agent, `GET /overview/${route.split('?')[0]}`, phase, {
        method: 'GET',
        path: `/overview/${route}`,
        headers,
      });
    };
  };

  /** Every user: start within the ramp, then { think 1–3 s; act } until the end. */
  const runUsers = async (users, startedAt, warmupEnd, end) => {
    const loop = async (act, offset) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      await sleep(offset);
      try {
        for (;;) {
          await sleep(random(thinkMs[0], thinkMs[1]));
          const now = performance.now();
          if (now >= end) break;
          const phase = now < warmupEnd ? 'warmup' : 'measure';
          stats.actions[phase] += 1;
          await act(agent, phase);
        }
      } finally {
        agent.destroy();
      }
    };
    await Promise.all(
      users.map((act, index) =>
        loop(act, startedAt + (index / users.length) * rampMs - performance.now())
      )
    );
  };
  return { caller, integrator, staffMember, runUsers, openDay, today: berlinToday };
};

module.exports = { createUsers };
