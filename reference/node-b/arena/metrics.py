"""A small Prometheus registry: counters, histograms and gauges read at scrape time, rendered in the text
exposition format (0.0.4). Other modules declare their metrics here once (`REGISTRY.counter(...)`) and
update them; `/metrics` renders the lot."""
import threading


def _labels(names: tuple, values: tuple, extra: str = "") -> str:
    parts = [f'{n}="{_escape(str(v))}"' for n, v in zip(names, values)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


class Counter:
    kind = "counter"

    def __init__(self, name: str, help_text: str, labels: tuple):
        self.name, self.help, self.labels = name, help_text, labels
        self._values, self._lock = {}, threading.Lock()

    def inc(self, amount: float = 1, **labels) -> None:
        key = tuple(labels[n] for n in self.labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0) + amount

    def samples(self):
        with self._lock:
            return [(self.name, _labels(self.labels, k), v) for k, v in sorted(self._values.items())]


class Histogram:
    kind = "histogram"
    BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

    def __init__(self, name: str, help_text: str, labels: tuple, buckets: tuple = BUCKETS):
        self.name, self.help, self.labels, self.buckets = name, help_text, labels, buckets
        self._series, self._lock = {}, threading.Lock()

    def observe(self, value: float, **labels) -> None:
        key = tuple(labels[n] for n in self.labels)
        with self._lock:
            counts, total = self._series.get(key, ([0] * len(self.buckets), [0.0, 0]))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
            total[0] += value
            total[1] += 1
            self._series[key] = (counts, total)

    def samples(self):
        out = []
        with self._lock:
            for key, (counts, (total, n)) in sorted(self._series.items()):
                for bound, count in zip(self.buckets, counts):
                    out.append((f"{self.name}_bucket", _labels(self.labels, key, f'le="{_number(bound)}"'), count))
                out.append((f"{self.name}_bucket", _labels(self.labels, key, 'le="+Inf"'), n))
                out.append((f"{self.name}_sum", _labels(self.labels, key), total))
                out.append((f"{self.name}_count", _labels(self.labels, key), n))
        return out


class Gauge:
    """A value read when scraped (e.g. a count from the database); a collect that fails leaves it out."""
    kind = "gauge"

    def __init__(self, name: str, help_text: str, collect):
        self.name, self.help, self.collect = name, help_text, collect

    def samples(self):
        try:
            return [(self.name, "", self.collect())]
        except Exception:  # a scrape must not fail because one source is down
            return []


class GaugeSet:
    """Gauges read when scraped, one per label value (e.g. rows by status): collect() → {value or tuple: number};
    a collect that fails or answers None leaves them out."""
    kind = "gauge"

    def __init__(self, name: str, help_text: str, labels: tuple, collect):
        self.name, self.help, self.labels, self.collect = name, help_text, labels, collect

    def samples(self):
        try:
            values = self.collect() or {}
        except Exception:
            return []
        return [(self.name, _labels(self.labels, k if isinstance(k, tuple) else (k,)), v) for k, v in sorted(values.items())]


class Registry:
    def __init__(self):
        self._metrics, self._lock = {}, threading.Lock()

    def _add(self, metric):
        with self._lock:
            return self._metrics.setdefault(metric.name, metric)

    def counter(self, name: str, help_text: str, labels=()) -> Counter:
        return self._add(Counter(name, help_text, tuple(labels)))

    def histogram(self, name: str, help_text: str, labels=(), buckets=Histogram.BUCKETS) -> Histogram:
        return self._add(Histogram(name, help_text, tuple(labels), buckets))

    def gauge(self, name: str, help_text: str, collect) -> Gauge:
        return self._add(Gauge(name, help_text, collect))

    def gauges(self, name: str, help_text: str, labels, collect) -> GaugeSet:
        return self._add(GaugeSet(name, help_text, tuple(labels), collect))

    def render(self) -> str:
        lines = []
        with self._lock:
            metrics = sorted(self._metrics.values(), key=lambda m: m.name)
        for metric in metrics:
            lines.append(f"# HELP {metric.name} {metric.help}")
            lines.append(f"# TYPE {metric.name} {metric.kind}")
            lines.extend(f"{name}{labels} {_number(value)}" for name, labels, value in metric.samples())
        return "\n".join(lines) + "\n"


REGISTRY = Registry()
