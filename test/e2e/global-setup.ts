// Fails fast, with the fix, when the run cannot work at all.
import { assertBuildPresent } from '../helpers/browser';

export default function globalSetup(): void {
  assertBuildPresent();
}
