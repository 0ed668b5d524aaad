import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the Stripe REST shapes Techteam uses (customers, Checkout and
 * portal sessions, products, prices, billing meters, meter events, subscriptions,
 * invoices), keeping their state in memory, so the real `stripe` SDK can be pointed at it
 * (`new Stripe(key, { host, port, protocol: 'http' })`). Like Stripe, a POST repeated with
 * the same `Idempotency-Key` gets the first answer again and changes nothing, and a meter
 * event whose `identifier` was seen is refused (`resource_already_exists`).
 */

type Obj = Record<string, unknown>;

export interface FakeMeterEvent {
  identifier: string;
  eventName: string;
  customer: string;
  value: number;
  timestamp: number;
}

export interface FakeStripe {
  /** Pass to `new Stripe(key, fake.options)`. */
  options: { host: string; port: number; protocol: 'http' };
  customers: Map<string, Obj>;
  products: Map<string, Obj>;
  prices: Map<string, Obj>;
  meters: Map<string, Obj>;
  subscriptions: Map<string, Obj>;
  invoices: Map<string, Obj>;
  checkoutSessions: Map<string, Obj>;
  meterEvents: FakeMeterEvent[];
  /** Every request, as `METHOD /path`, in arrival order. */
  requests: string[];
  /** Makes a subscription as a completed Checkout would: active, one item per price id. */
  createSubscription(input: { customer: string; prices: string[]; metadata?: Obj; status?: string }): Obj;
  /** Sum of meter event values for a customer (what Stripe would bill). */
  meteredTotal(customer: string): number;
  /** The next requests matching `METHOD /path` prefix fail with this status (to test retries and crashes). */
  failNext(route: string, status: number, times?: number): void;
  close(): Promise<void>;
}

/** Decodes Stripe's form encoding (`a[b][0]=x`) into nested objects and arrays. */
export function decodeStripeForm(text: string): Obj {
  const root: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split(/[[\]]+/).filter((p) => p !== '');
    let node: Obj | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const container = node as Obj;
      if (last) container[part] = value;
      else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Obj;
      }
    });
  }
  return root;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  let seq = 0;
  const id = (prefix: string) => `${prefix}_fake${String(++seq).padStart(6, '0')}`;
  const now = () => Math.floor(Date.now() / 1000);
  const idempotent = new Map<string, { status: number; body: Obj }>();
  const failures: { route: string; status: number; times: number }[] = [];
  const state = {
    customers: new Map<string, Obj>(),
    products: new Map<string, Obj>(),
    prices: new Map<string, Obj>(),
    meters: new Map<string, Obj>(),
    subscriptions: new Map<string, Obj>(),
    invoices: new Map<string, Obj>(),
    checkoutSessions: new Map<string, Obj>(),
    meterEvents: [] as FakeMeterEvent[],
    requests: [] as string[],
  };

  const list = (data: Obj[], url: string) => ({ object: 'list', data, has_more: false, url });
  const notFound = (what: string, key: string) => ({
    status: 404,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such ${what}: '${key}'`,
      },
    },
  });
  const invalid = (message: string, code?: string) => ({
    status: 400,
    body: { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}) } },
  });
  const ok = (body: Obj) => ({ status: 200, body });
  const withPrices = (sub: Obj): Obj => {
    const items = (sub['items'] as { data: Obj[] }).data.map((item) => ({
      ...item,
      price: state.prices.get(item['price'] as string) ?? item['price'],
    }));
    return { ...sub, items: { object: 'list', data: items } };
  };

  function createSubscription(input: {
    customer: string;
    prices: string[];
    metadata?: Obj;
    status?: string;
  }) {
    const start = now();
    const sub: Obj = {
      id: id('sub'),
      object: 'subscription',
      customer: input.customer,
      status: input.status ?? 'active',
      metadata: input.metadata ?? {},
      created: start,
      items: {
        object: 'list',
        data: input.prices.map((price) => ({ id: id('si'), object: 'subscription_item', price })),
      },
      current_period_start: start,
      current_period_end: start + 30 * 86_400,
    };
    state.subscriptions.set(sub['id'] as string, sub);
    return withPrices(sub);
  }

  function route(method: string, path: string, params: Obj, query: URLSearchParams) {
    const segments = path.split('/').filter(Boolean).slice(1);
    const [a, b, c] = segments;
    if (a === 'customers' && method === 'POST' && !b) {
      const customer = {
        id: id('cus'),
        object: 'customer',
        created: now(),
        ...params,
        metadata: params['metadata'] ?? {},
      };
      state.customers.set(customer.id, customer);
      return ok(customer);
    }
    if (a === 'customers' && method === 'GET' && b) {
      const customer = state.customers.get(b);
      return customer ? ok(customer) : notFound('customer', b);
    }
    if (a === 'checkout' && b === 'sessions' && method === 'POST') {
      if (!params['customer'] || !state.customers.has(params['customer'] as string))
        return invalid(`No such customer: '${String(params['customer'])}'`);
      const items = (params['line_items'] as Obj[] | undefined) ?? [];
      for (const item of items)
        if (!state.prices.has(item['price'] as string))
          return invalid(`No such price: '${String(item['price'])}'`);
      const session = {
        id: id('cs'),
        object: 'checkout.session',
        ...params,
        url: `https://checkout.stripe.test/c/pay/${seq}`,
        status: 'open',
      };
      state.checkoutSessions.set(session.id, session);
      return ok(session);
    }
    if (a === 'billing_portal' && b === 'sessions' && method === 'POST') {
      if (!state.customers.has(params['customer'] as string))
        return invalid(`No such customer: '${String(params['customer'])}'`);
      return ok({
        id: id('bps'),
        object: 'billing_portal.session',
        ...params,
        url: `https://billing.stripe.test/p/session/${seq}`,
      });
    }
    if (a === 'products' && b && method === 'GET') {
      const product = state.products.get(b);
      return product ? ok(product) : notFound('product', b);
    }
    if (a === 'products' && method === 'POST') {
      if (b) {
        const product = state.products.get(b);
        if (!product) return notFound('product', b);
        Object.assign(product, params, {
          metadata: { ...(product['metadata'] as Obj), ...(params['metadata'] as Obj) },
        });
        return ok(product);
      }
      const productId = (params['id'] as string | undefined) ?? id('prod');
      if (state.products.has(productId))
        return invalid(`Product already exists: ${productId}`, 'resource_already_exists');
      const product = { object: 'product', active: true, created: now(), ...params, id: productId };
      state.products.set(productId, product);
      return ok(product);
    }
    if (a === 'prices' && method === 'GET' && !b) {
      const wanted = query.getAll('lookup_keys[]').concat(query.getAll('lookup_keys[0]'));
      for (const [k, v] of query) if (/^lookup_keys\[\d+\]$/.test(k) && !wanted.includes(v)) wanted.push(v);
      const active = query.get('active');
      const data = [...state.prices.values()].filter(
        (p) =>
          (wanted.length === 0 || wanted.includes(p['lookup_key'] as string)) &&
          (active === null || String(p['active']) === active),
      );
      return ok(list(data, '/v1/prices'));
    }
    if (a === 'prices' && method === 'POST' && !b) {
      const lookupKey = params['lookup_key'] as string | undefined;
      const holder = lookupKey
        ? [...state.prices.values()].find((p) => p['lookup_key'] === lookupKey)
        : undefined;
      if (holder) {
        if (params['transfer_lookup_key'] !== 'true')
          return invalid(`A price (${String(holder['id'])}) already uses that lookup key.`);
        holder['lookup_key'] = null;
      }
      const { transfer_lookup_key: _t, ...rest } = params;
      const price = {
        id: id('price'),
        object: 'price',
        active: true,
        created: now(),
        ...rest,
        unit_amount: rest['unit_amount'] === undefined ? null : Number(rest['unit_amount']),
        lookup_key: lookupKey ?? null,
        metadata: rest['metadata'] ?? {},
      };
      state.prices.set(price.id, price);
      return ok(price);
    }
    if (a === 'prices' && method === 'POST' && b) {
      const price = state.prices.get(b);
      if (!price) return notFound('price', b);
      if (params['active'] !== undefined) price['active'] = params['active'] === 'true';
      if (params['metadata'])
        price['metadata'] = { ...(price['metadata'] as Obj), ...(params['metadata'] as Obj) };
      return ok(price);
    }
    if (a === 'billing' && b === 'meters' && method === 'GET') {
      const status = query.get('status');
      return ok(
        list(
          [...state.meters.values()].filter((m) => !status || m['status'] === status),
          '/v1/billing/meters',
        ),
      );
    }
    if (a === 'billing' && b === 'meters' && method === 'POST' && !c) {
      const meter = { id: id('mtr'), object: 'billing.meter', status: 'active', created: now(), ...params };
      state.meters.set(meter.id, meter);
      return ok(meter);
    }
    if (a === 'billing' && b === 'meter_events' && method === 'POST') {
      const eventName = params['event_name'] as string;
      if (![...state.meters.values()].some((m) => m['event_name'] === eventName && m['status'] === 'active'))
        return invalid(`No active meter for event_name '${eventName}'`);
      const payload = (params['payload'] ?? {}) as Obj;
      const value = Number(payload['value']);
      if (!Number.isFinite(value)) return invalid('payload[value] must be a number');
      const identifier = (params['identifier'] as string | undefined) ?? id('mev');
      if (state.meterEvents.some((e) => e.identifier === identifier))
        return invalid(
          `A meter event with identifier '${identifier}' already exists.`,
          'resource_already_exists',
        );
      const timestamp = params['timestamp'] ? Number(params['timestamp']) : now();
      state.meterEvents.push({
        identifier,
        eventName,
        customer: String(payload['stripe_customer_id']),
        value,
        timestamp,
      });
      return ok({
        object: 'billing.meter_event',
        created: now(),
        event_name: eventName,
        identifier,
        payload,
        timestamp,
        livemode: false,
      });
    }
    if (a === 'subscriptions' && b && method === 'GET') {
      const sub = state.subscriptions.get(b);
      return sub ? ok(withPrices(sub)) : notFound('subscription', b);
    }
    if (a === 'invoices' && method === 'GET' && !b) {
      const customer = query.get('customer');
      const data = [...state.invoices.values()].filter((i) => !customer || i['customer'] === customer);
      return ok(list(data, '/v1/invoices'));
    }
    return {
      status: 404,
      body: {
        error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` },
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    state.requests.push(`${method} ${url.pathname}`);
    const send = (r: { status: number; body: Obj }) => {
      res.writeHead(r.status, { 'content-type': 'application/json', 'request-id': `req_${seq}` });
      res.end(JSON.stringify(r.body));
    };
    const failure = failures.find((f) => `${method} ${url.pathname}`.startsWith(f.route) && f.times > 0);
    if (failure) {
      failure.times--;
      return send({
        status: failure.status,
        body: { error: { type: 'api_error', message: 'injected failure' } },
      });
    }
    const key = req.headers['idempotency-key'];
    const idemKey = typeof key === 'string' && method === 'POST' ? `${url.pathname}\u0000${key}` : undefined;
    const seen = idemKey ? idempotent.get(idemKey) : undefined;
    if (seen) return send(seen);
    const params = req.headers['content-type']?.includes('json')
      ? (JSON.parse(text || '{}') as Obj)
      : decodeStripeForm(text);
    const answer = route(method, url.pathname, params, url.searchParams);
    // Stripe keeps the answer to a keyed request unless it was a server error.
    if (idemKey && answer.status < 500) idempotent.set(idemKey, answer);
    send(answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(e) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    options: { host: '127.0.0.1', port, protocol: 'http' },
    ...state,
    createSubscription,
    meteredTotal: (customer) =>
      state.meterEvents.filter((e) => e.customer === customer).reduce((sum, e) => sum + e.value, 0),
    failNext: (route, status, times = 1) => {
      failures.push({ route, status, times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
