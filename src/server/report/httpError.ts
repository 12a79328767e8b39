/** An error the report server answers as JSON: { error: { code, message } } with this status. */
export class ReportHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
