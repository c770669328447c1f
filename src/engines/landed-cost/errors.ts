/** Thrown for any input the engine cannot quote honestly; `field` names the offending input path. */
export class LandedCostInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'LandedCostInputError';
    this.field = field;
  }
}
