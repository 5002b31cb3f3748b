/** An API answer other than success, shaped as GitLab shapes it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body !== null ? JSON.stringify(body) : String(body));
  }
}

/** 404 `{"message":"404 <What> Not Found"}`, or `404 Not found` for records found by the ORM. */
export function notFound(what?: string): ApiError {
  return new ApiError(404, { message: what ? `404 ${what} Not Found` : '404 Not found' });
}

/** 403 `{"message":"403 Forbidden"}`, or a custom message (e.g. a protected branch). */
export function forbidden(message = '403 Forbidden'): ApiError {
  return new ApiError(403, { message });
}

/** 401 `{"message":"401 Unauthorized"}`. */
export function unauthorized(): ApiError {
  return new ApiError(401, { message: '401 Unauthorized' });
}

/** 400 `{"message":"400 Bad request - <reason>"}` as GitLab's `bad_request!`. */
export function badRequest(reason?: string): ApiError {
  return new ApiError(400, { message: reason ? `400 Bad request - ${reason}` : '400 Bad request' });
}

/** 400 with a plain message, as services that return `{ message: ... }` errors answer. */
export function badMessage(message: string, status = 400): ApiError {
  return new ApiError(status, { message });
}

/** 400 `{"error":"<param> is missing"}`, Grape's answer for a missing required parameter. */
export function missing(param: string): ApiError {
  return new ApiError(400, { error: `${param} is missing` });
}

/** 400 `{"error":"<param> is invalid"}` (Grape type coercion failed). */
export function invalid(param: string): ApiError {
  return new ApiError(400, { error: `${param} is invalid` });
}

/** 400 `{"error":"<param> does not have a valid value"}` (Grape `values:` check failed). */
export function notValidValue(param: string): ApiError {
  return new ApiError(400, { error: `${param} does not have a valid value` });
}

/** 400 `{"message":{"<field>":["<error>"]}}`, a model validation failure. */
export function validation(errors: Record<string, string[]>): ApiError {
  return new ApiError(400, { message: errors });
}

/** 409 `{"message":"<message>"}`. */
export function conflict(message: string): ApiError {
  return new ApiError(409, { message });
}
