import { LinliError } from '@linli/shared';

/** Errors raised by the simulators. Codes: SIM_PTY, SIM_FAULT, SIM_CARD, SIM_SCENARIO, SIM_CONTROL, SIM_MQTT, SIM_ARGS. */
export class SimError extends LinliError {}
