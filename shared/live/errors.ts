import { TechteamError } from '../errors';

/** A WebSocket connect without a credential the authorizer accepts. */
export class LiveUnauthorized extends TechteamError {
  constructor(reason: string) {
    super('Unauthorized', 401, `The live connection was refused: ${reason}`);
  }
}

/** A frame that is not JSON or not one of the protocol's messages; `field` names what is wrong. */
export class InvalidLiveMessage extends TechteamError {
  constructor(message: string) {
    super('InvalidMessage', 400, message);
  }
}

/** A connection asked for its tenant but the door gave none (a wiring mistake, said plainly). */
export class NoLiveTenant extends TechteamError {
  constructor() {
    super('Unauthorized', 401, 'No tenant on this live connection: $connect was not authorized');
  }
}
