// The PrometheusRule (monitoring.coreos.com/v1) for the Prometheus Operator, built from the plain
// rule file so the two can never say different things: the same `groups`, comments kept, wrapped in
// the custom resource. Pure (text in, text out); scripts/prometheus-rules.ts does the file IO.
import { format, resolveConfig } from 'prettier';
import { Document, isSeq, parseDocument } from 'yaml';

export const RULES_FILE = 'deploy/prometheus/storyctl.rules.yaml';
export const PROMETHEUS_RULE_FILE = 'deploy/prometheus/storyctl.prometheusrule.yaml';

const HEADER = [
  `Generated from ${RULES_FILE.split('/').pop()} by \`npx tsx scripts/prometheus-rules.ts\`; do not edit.`,
  'For the Prometheus Operator: `kubectl apply -n <monitoring namespace> -f <this file>`. Add the labels',
  "your Prometheus's ruleSelector asks for (kube-prometheus-stack: `release: <its release name>`).",
].join('\n');

export async function prometheusRuleManifest(rulesYaml: string): Promise<string> {
  const source = parseDocument(rulesYaml);
  if (source.errors.length > 0)
    throw new Error(`${RULES_FILE}: ${source.errors[0]?.message ?? 'invalid YAML'}`);
  const groups = source.get('groups', true);
  if (!isSeq(groups) || groups.items.length === 0) throw new Error(`${RULES_FILE} has no rule groups`);
  const doc = new Document({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'storyctl',
      labels: { 'app.kubernetes.io/name': 'storyctl', 'app.kubernetes.io/component': 'alerts' },
    },
    spec: {},
  });
  doc.setIn(['spec', 'groups'], groups);
  doc.commentBefore = ` ${HEADER.replace(/\n/g, '\n ')}`;
  const options = (await resolveConfig(PROMETHEUS_RULE_FILE)) ?? {};
  // Long annotations are folded at the project's print width, as in the source file.
  return format(doc.toString({ lineWidth: options.printWidth ?? 110 }), { ...options, parser: 'yaml' });
}
