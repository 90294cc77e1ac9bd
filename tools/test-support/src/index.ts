// Bounded waits for tests: every wait names what it waits for and gives up with that name.
export { waitFor } from './wait-for.js';
export { within } from './within.js';
