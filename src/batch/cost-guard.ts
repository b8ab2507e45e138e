/**
 * `--max-cost`: a document may start its model requests only when what is already spent, plus what
 * the documents in flight are still planned to spend, plus its own planned cost stays within the
 * limit. Planned costs come from the request plan (estimatedCostUSD, which counts the full output
 * reserve), so actual spend stays under the plan unless the estimate is wrong. A document that
 * would fit once the documents in flight have settled waits for them rather than being skipped.
 */
export class CostGuard {
  private spent = 0;
  private waiters: (() => void)[] = [];
  /** document → planned cost not yet turned into actual spend */
  private readonly reserved = new Map<string, { planned: number; spent: number }>();

  constructor(readonly limitUSD: number | undefined) {}

  get spentUSD(): number {
    return this.spent;
  }

  /** Planned spend of documents in flight that has not happened yet. */
  get outstandingUSD(): number {
    let sum = 0;
    for (const r of this.reserved.values()) sum += Math.max(0, r.planned - r.spent);
    return sum;
  }

  /** Reserves the document's planned cost; false means it must be skipped as over-budget. */
  admit(document: string, plannedUSD: number): boolean {
    if (this.reserved.has(document)) return true;
    if (this.limitUSD !== undefined && this.spent + this.outstandingUSD + plannedUSD > this.limitUSD) {
      return false;
    }
    this.reserved.set(document, { planned: plannedUSD, spent: 0 });
    return true;
  }

  isAdmitted(document: string): boolean {
    return this.reserved.has(document);
  }

  /** True when even with nothing else in flight the plan would pass the limit. */
  neverFits(plannedUSD: number): boolean {
    return this.limitUSD !== undefined && this.spent + plannedUSD > this.limitUSD;
  }

  /** Resolves at the next change of spend or reservations (a document may fit now). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Actual cost of one finished request. */
  record(document: string, costUSD: number): void {
    this.spent += costUSD;
    const r = this.reserved.get(document);
    if (r) r.spent += costUSD;
    this.notify();
  }

  /** The document is finished (or abandoned): what it did not spend is free again. */
  release(document: string): void {
    if (this.reserved.delete(document)) this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * A document's requests were refused before anything was sent because they would take the spend
 * past --max-cost (the batch API checks whole rounds): the document is over budget, not failed.
 */
export class BudgetRefusedError extends Error {
  override name = "BudgetRefusedError";
}
