{{/*
Name of the chart, for the app.kubernetes.io/name label.
*/}}
{{- define "bulletinboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every object name: fullnameOverride, else the release name. 40 characters leave room for the
longest suffix ("-server-headless") and for the StatefulSet's revision-hash pod label (name + 11, at most 63).
*/}}
{{- define "bulletinboard.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "bulletinboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of one component. Call with (dict "ctx" $ "component" "server").
They never change for a release, so they are safe in selectors and volumeClaimTemplates.
*/}}
{{- define "bulletinboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bulletinboard.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Standard labels of every object and pod of one component. Call with (dict "ctx" $ "component" "server").
*/}}
{{- define "bulletinboard.labels" -}}
{{ include "bulletinboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: {{ .ctx.Chart.Name }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "bulletinboard.chart" .ctx }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Metadata of an object: name (fullname + suffix), the standard labels plus any given, commonAnnotations plus
any given. Call with (dict "ctx" $ "component" "broker" "suffix" "-broker" ["labels" (dict ...)]
["annotations" (dict ...)]).
*/}}
{{- define "bulletinboard.metadata" -}}
name: {{ include "bulletinboard.fullname" .ctx }}{{ .suffix }}
labels:
  {{- include "bulletinboard.labels" . | nindent 2 }}
  {{- with .labels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with merge (dict) (.annotations | default dict) .ctx.Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
The image of every role: repository:tag, the tag defaulting to the chart's appVersion.
*/}}
{{- define "bulletinboard.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
PodDisruptionBudget API: policy/v1 from Kubernetes 1.21, policy/v1beta1 on 1.20. Installing, Helm asks the
cluster, which lists the kind; `helm template` knows group/versions but no kinds, so offline --kube-version
decides.
*/}}
{{- define "bulletinboard.pdb.apiVersion" -}}
{{- if or (.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget") (semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version) -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end }}
{{- end }}

{{/*
Pod template annotations of a role: the ConfigMap's checksum (a config change rolls the pods), the Prometheus
annotations, the role's podAnnotations. Call with (dict "ctx" $ "role" .Values.broker).
*/}}
{{- define "bulletinboard.podAnnotations" -}}
checksum/config: {{ include (print .ctx.Template.BasePath "/configmap.yaml") .ctx | sha256sum }}
{{- if .ctx.Values.metrics.podAnnotations.enabled }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .ctx.Values.http.port | int | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .role.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Pod spec fields every role shares: pull secrets, pod security context, scheduling.
Call with (dict "ctx" $ "role" .Values.broker ["affinity" computed-affinity]).
*/}}
{{- define "bulletinboard.podSpec" -}}
securityContext:
  {{- toYaml .ctx.Values.podSecurityContext | nindent 2 }}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- with .role.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity | default .role.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .role.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Container fields every role shares: image, the role as argument, the shared ConfigMap, security context,
resources and the three probes on port http (timings: .Values.probes, overridden by the role's probes).
Call with (dict "ctx" $ "component" "broker" "role" .Values.broker).
*/}}
{{- define "bulletinboard.container" -}}
{{- $probes := mergeOverwrite (deepCopy .ctx.Values.probes) (deepCopy .role.probes) -}}
image: {{ include "bulletinboard.image" .ctx }}
imagePullPolicy: {{ .ctx.Values.image.pullPolicy }}
args: [{{ .component }}{{ range .args }}, {{ . | quote }}{{ end }}]
envFrom:
  - configMapRef:
      name: {{ include "bulletinboard.fullname" .ctx }}-config
securityContext:
  {{- toYaml .ctx.Values.containerSecurityContext | nindent 2 }}
resources:
  {{- toYaml .role.resources | nindent 2 }}
startupProbe:
  httpGet: {path: /healthz, port: http}
  {{- toYaml $probes.startup | nindent 2 }}
livenessProbe:
  httpGet: {path: /healthz, port: http}
  {{- toYaml $probes.liveness | nindent 2 }}
readinessProbe:
  httpGet: {path: /readyz, port: http}
  {{- toYaml $probes.readiness | nindent 2 }}
{{- end }}

{{/*
The container port every pod exposes for /healthz, /readyz and /metrics.
*/}}
{{- define "bulletinboard.httpPort" -}}
- name: http
  containerPort: {{ .Values.http.port | int }}
  protocol: TCP
{{- end }}

{{/*
Affinity of a role's pods: <role>.affinity if set, else its anti-affinity preset, which spreads the role's pods
over nodes ("soft": preferred, "hard": required) so one node's loss takes one of them, not all.
Call with (dict "ctx" $ "component" "server" "role" .Values.servers).
*/}}
{{- define "bulletinboard.spreadAffinity" -}}
{{- if .role.affinity }}
{{- toYaml .role.affinity }}
{{- else if eq .role.podAntiAffinityPreset "soft" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "bulletinboard.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 12 }}
{{- else if eq .role.podAntiAffinityPreset "hard" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "bulletinboard.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 10 }}
{{- end }}
{{- end }}

{{/*
A PodDisruptionBudget over a role's pods, if <role>.pdb.enabled (and, for brokers and proxies, more than one runs):
voluntary disruptions (drains, evictions) take at most maxUnavailable of them at a time.
Call with (dict "ctx" $ "component" "broker" "role" .Values.broker "suffix" "-broker").
*/}}
{{- define "bulletinboard.pdb" -}}
apiVersion: {{ include "bulletinboard.pdb.apiVersion" .ctx }}
kind: PodDisruptionBudget
metadata:
  {{- include "bulletinboard.metadata" . | nindent 2 }}
spec:
  maxUnavailable: {{ .role.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "bulletinboard.selectorLabels" . | nindent 6 }}
{{- end }}
