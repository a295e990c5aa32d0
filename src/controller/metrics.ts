/**
 * The controller's Prometheus metrics, in the text exposition format (version 0.0.4): a handful
 * of gauges and counters set from each decision. Hand-written: a few lines instead of a client
 * library in a bundle that must fit a ConfigMap.
 */

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: Map<string, { labels: Labels; value: number }>;
}

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export class Metrics {
  private readonly families = new Map<string, Family>();

  /** Sets a gauge; `replace` drops the family's other samples first (e.g. per-node values). */
  set(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, help, 'gauge').samples.set(key(labels), { labels, value });
  }

  /** Drops every sample of a gauge family (before setting the current ones). */
  clear(name: string): void {
    this.families.get(name)?.samples.clear();
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const family = this.family(name, help, 'counter');
    const k = key(labels);
    const sample = family.samples.get(k) ?? { labels, value: 0 };
    family.samples.set(k, { labels, value: sample.value + by });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of [...this.families.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const { labels, value } of f.samples.values()) {
        const l = Object.entries(labels)
          .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
          .join(',');
        lines.push(`${name}${l ? `{${l}}` : ''} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, help: string, type: Family['type']): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { help, type, samples: new Map() };
      this.families.set(name, f);
    }
    return f;
  }
}
