import type { NvidiaSmiFailure } from "./failures.js";

/** Unknown fields are dropped and nvidia-smi run again; this bounds those runs. */
const MAX_DROPPED_FIELDS = 5;

/**
 * The --query-gpu field list for one nvidia-smi, shrinking as it rejects fields. An nvidia-smi that
 * does not know one field (an older driver, or a field renamed in a newer one) rejects the whole
 * query and prints nothing else, so the only way to the other fields is to ask again without it.
 * The timeline's monitor and `gpuprof info`'s inventory both use it.
 */
export class QueryFieldList {
  private current: string[];
  private readonly droppedFields: string[] = [];

  constructor(fields: readonly string[]) {
    this.current = [...fields];
  }

  get fields(): readonly string[] {
    return this.current;
  }

  get dropped(): readonly string[] {
    return this.droppedFields;
  }

  /**
   * When `failure` says nvidia-smi does not know one of our fields, drops it and returns true: ask
   * again. False for any other outcome, for a field we did not ask for (asking again would fail the
   * same way), and once the bound is reached.
   */
  dropUnknown(failure: NvidiaSmiFailure | null): boolean {
    const field = failure?.kind === "unknown-field" ? failure.field : undefined;
    if (field === undefined || !this.current.includes(field) || this.droppedFields.length >= MAX_DROPPED_FIELDS) return false;
    this.current = this.current.filter((f) => f !== field);
    this.droppedFields.push(field);
    return true;
  }
}
