import { api } from './api';
import { Alert, Badge, Card, Loading, PageHeader, useLoad } from './ui';

interface Overview {
  activity: { day: string; signUps: number; signIns: number; activeUsers: number }[];
  total_users: number;
  health: Record<'database' | 'mail' | 'redis', { ok: boolean; detail: string }>;
}

function BarChart(props: { title: string; values: { label: string; value: number }[] }) {
  const max = Math.max(1, ...props.values.map((v) => v.value));
  const total = props.values.reduce((sum, v) => sum + v.value, 0);
  return (
    <figure class="chart">
      <figcaption>
        <span>{props.title}</span> <strong>{total.toLocaleString()}</strong> <span class="muted small">last 30 days</span>
      </figcaption>
      <div class="bars" role="img" aria-label={`${props.title}: ${props.values.map((v) => `${v.label} ${v.value}`).join(', ')}`}>
        {props.values.map((v) => (
          <span key={v.label} class="bar" style={{ height: `${(v.value / max) * 100}%` }} title={`${v.label}: ${v.value}`} />
        ))}
      </div>
    </figure>
  );
}

export function OverviewPage() {
  const { data, error } = useLoad(() => api<Overview>('GET', '/overview'), []);
  if (error) return <Alert error={error} />;
  if (!data) return <Loading />;
  const series = (key: 'signUps' | 'signIns' | 'activeUsers') => data.activity.map((d) => ({ label: d.day, value: d[key] }));
  return (
    <>
      <PageHeader title="Overview" description={`${data.total_users.toLocaleString()} users in total.`} />
      <div class="grid-3">
        <Card>
          <BarChart title="Sign-ups" values={series('signUps')} />
        </Card>
        <Card>
          <BarChart title="Sign-ins" values={series('signIns')} />
        </Card>
        <Card>
          <BarChart title="Active users" values={series('activeUsers')} />
        </Card>
      </div>
      <Card title="Health">
        <ul class="health">
          {(['database', 'redis', 'mail'] as const).map((name) => (
            <li key={name}>
              <Badge tone={data.health[name].ok ? 'ok' : 'bad'}>{data.health[name].ok ? 'OK' : 'Failing'}</Badge> <strong>{name}</strong>{' '}
              <span class="muted">{data.health[name].detail}</span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
