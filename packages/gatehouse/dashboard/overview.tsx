import { api } from './api';
import { Alert, Badge, Card, Loading, PageHeader, useLoad } from './ui';

interface Day {
  day: string;
  signUps: number;
  signIns: number;
  activeUsers: number;
}

type HealthName = 'database' | 'redis' | 'mail' | 'webhooks';

interface Overview {
  activity: Day[];
  counted_at: number;
  total_users: number;
  health: Record<HealthName, { ok: boolean; detail: string }>;
}

const HEALTH_LABEL: Record<HealthName, string> = {
  database: 'Database',
  redis: 'Rate-limit store (Redis)',
  mail: 'Mail',
  webhooks: 'Webhook backlog',
};

const W = 300;
const H = 100;

const shortDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** One series as inline SVG bars (no chart library, no CDN), with each day's value in its tooltip. */
function BarChart(props: { title: string; days: Day[]; value: (d: Day) => number; total?: boolean }) {
  const values = props.days.map(props.value);
  const max = Math.max(1, ...values);
  const headline = props.total ? values.reduce((sum, v) => sum + v, 0) : (values.at(-1) ?? 0);
  const step = W / Math.max(1, values.length);
  const first = props.days[0]?.day ?? '';
  const last = props.days.at(-1)?.day ?? '';
  return (
    <figure class="chart">
      <figcaption>
        <span>{props.title}</span> <strong>{headline.toLocaleString()}</strong>{' '}
        <span class="muted small">{props.total ? `last ${values.length} days` : 'today'}</span>
      </figcaption>
      <div class="chart-frame">
        <span class="chart-max muted small">{max.toLocaleString()}</span>
        <svg
          class="chart-svg"
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${props.title} per day, ${shortDay(first)} to ${shortDay(last)}: most ${max.toLocaleString()}`}
        >
          {values.map((v, i) => {
            const h = v === 0 ? 0 : Math.max(2, (v / max) * H);
            return (
              <rect key={props.days[i]?.day} class="chart-bar" x={i * step + 1} y={H - h} width={Math.max(1, step - 2)} height={h}>
                <title>{`${shortDay(props.days[i]?.day ?? '')}: ${v.toLocaleString()}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <div class="chart-days muted small">
        <span>{shortDay(first)}</span>
        <span>{shortDay(last)}</span>
      </div>
    </figure>
  );
}

export function OverviewPage() {
  const { data, error } = useLoad(() => api<Overview>('GET', '/overview'), []);
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const names = Object.keys(HEALTH_LABEL).filter((n): n is HealthName => n in data.health);
  const failing = names.filter((n) => !data.health[n].ok).length;
  return (
    <>
      <PageHeader
        title="Overview"
        description={`${data.total_users.toLocaleString()} users in total. Daily figures counted at ${new Date(data.counted_at).toLocaleTimeString()} (at most once a minute).`}
      />
      <div class="grid-3">
        <Card>
          <BarChart title="Sign-ups" days={data.activity} value={(d) => d.signUps} total />
        </Card>
        <Card>
          <BarChart title="Sign-ins" days={data.activity} value={(d) => d.signIns} total />
        </Card>
        <Card>
          <BarChart title="Active users" days={data.activity} value={(d) => d.activeUsers} />
        </Card>
      </div>
      <Card title="Health" actions={failing ? <Badge tone="bad">{failing} failing</Badge> : <Badge tone="ok">All good</Badge>}>
        <ul class="health">
          {names.map((name) => (
            <li key={name}>
              <Badge tone={data.health[name].ok ? 'ok' : 'bad'}>{data.health[name].ok ? 'OK' : 'Failing'}</Badge>{' '}
              <strong>{HEALTH_LABEL[name]}</strong> <span class="muted">{data.health[name].detail}</span>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Per day">
        <details>
          <summary>Show the figures as a table</summary>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Sign-ups</th>
                <th scope="col">Sign-ins</th>
                <th scope="col">Active users</th>
              </tr>
            </thead>
            <tbody>
              {[...data.activity].reverse().map((d) => (
                <tr key={d.day}>
                  <td class="mono">{d.day}</td>
                  <td>{d.signUps.toLocaleString()}</td>
                  <td>{d.signIns.toLocaleString()}</td>
                  <td>{d.activeUsers.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </Card>
    </>
  );
}
