
/** The limits a snapshot is loaded with; they bound its requests too (SNAPSHOT.md, "Limits"). */
export interface Limits {
  /** Bytes of snapshot text (256 MiB). */
  snapshotBytes: number;
  /** Bytes of one request's JSON text (1 MiB). */
  requestBytes: number;
  /** Bytes of any one string value: ids, names, claim values (4 KiB). */
  idBytes: number;
  /** Groups, tenants and roles of one principal, and a request's groups claim (1,048,576). */
  memberships: number;
  /** Checks in one anyOf, allOf, bundle or scope list (1,024). */
  compositeLength: number;
  /** Requests in one `checkMany` (100,000). */
  batchLength: number;
  /** Levels of JSON nesting, at most 127. */
  nestingDepth: number;
}

/** How `Authorizer.fromJson` loads a snapshot. */
export interface LoadOptions {
  /** Limits other than the defaults. */
  limits?: Partial<Limits>;
  /** Refuse a snapshot whose `sequence` is older than this, or that has none (`snapshot.rollback`). */
  minSequence?: number;
}

/** An Ed25519 public key as a JWK (RFC 8037), or its JSON text (`writ keygen` writes `PREFIX.pub`). */
export type PublicKeyJwk = { kty: "OKP"; crv: "Ed25519"; x: string; kid?: string } | string;

/** `fromJson` of a signed snapshot: verified over its exact bytes before it is read. */
export interface VerifyOptions extends LoadOptions {
  /** The key, or keys, trusted to have signed it (any one of them). */
  publicKey: PublicKeyJwk | PublicKeyJwk[];
  /** The detached signature: the text of the `.sig` file `writ sign` writes, or its bytes. */
  signature: string | Uint8Array | ArrayBuffer;
}

export declare namespace Authorizer {
  /**
   * Decodes, validates and indexes a snapshot: JSON text, its UTF-8 bytes (as
   * `fetch(…).arrayBuffer()` gives them), or a plain object.
   *
   * Throws a `WritError` with the `snapshot.*` (or `limit.*`) code and `path`
   * of the first problem.
   */
  function fromJson(snapshot: string | Uint8Array | ArrayBuffer | SnapshotDoc, options?: LoadOptions): Authorizer;
  /**
   * With trusted keys: the signature is verified over the snapshot's exact
   * bytes (WebCrypto, asynchronous) before anything is read; the Promise
   * rejects with `signature.missing`, `signature.malformed`,
   * `signature.unsupported`, `signature.unknown_key` or `signature.invalid`.
   */
  function fromJson(snapshot: string | Uint8Array | ArrayBuffer, options: VerifyOptions): Promise<Authorizer>;
  /**
   * Loads a compiled snapshot (`writ compile`): the validated model, loaded
   * without decoding or validating JSON, several times faster. JSON's UTF-8
   * bytes are loaded too. Every offset, count and index is checked; a damaged
   * or truncated file throws `snapshot.corrupt`, another version of the form
   * `snapshot.unsupported_format`.
   */
  function fromBytes(bytes: Uint8Array | ArrayBuffer, options?: LoadOptions): Authorizer;
  /** With trusted keys: verified over the file's exact bytes first, as `fromJson`. */
  function fromBytes(bytes: Uint8Array | ArrayBuffer, options: VerifyOptions): Promise<Authorizer>;
}

export interface Authorizer {
  /**
   * Who may do what a request without a principal asks: the listed users (and
   * under `grants` clients) whose check allows, sorted; whether a user the
   * snapshot does not list would be; under `grants`, the mapping rules whose
   * claims alone would be. `{ explain: true }` adds each one's rule and rows.
   * Naming a principal (`user`, `client`, `groups`, `claims`) is `request.malformed`.
   */
  whoCan(request: QuestionDoc | string, options?: { explain?: boolean }): WhoCanDoc;
}
