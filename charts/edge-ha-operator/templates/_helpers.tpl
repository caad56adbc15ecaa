{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "edge-ha-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name when it already contains the chart name (the usual "edge-ha-operator" install). */}}
{{- define "edge-ha-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "edge-ha-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "edge-ha-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "edge-ha-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "edge-ha-operator.labels" -}}
helm.sh/chart: {{ include "edge-ha-operator.chart" . }}
{{ include "edge-ha-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: edge-ha-operator
{{- end -}}

{{- define "edge-ha-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "edge-ha-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository:tag, the tag defaulting to the chart's appVersion. Call with (dict "image" .Values.x.image "root" .). */}}
{{- define "edge-ha-operator.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag -}}
{{- if .image.registry -}}
{{- printf "%s/%s:%s" .image.registry .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Namespaces that get the collector's ServiceAccount, Role and RoleBinding. */}}
{{- define "edge-ha-operator.collectorNamespaces" -}}
{{- if .Values.collector.rbac.namespaces -}}
{{- join "," .Values.collector.rbac.namespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* The operator's rules on namespaced resources (ClusterRole or Role, see rbac.yaml). */}}
{{- define "edge-ha-operator.namespacedRules" -}}
- apiGroups: ["edgeha.io"]
  resources: ["redundantpairs"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["edgeha.io"]
  resources: ["redundantpairs/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["edgeha.io"]
  resources: ["redundantpairs/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# patch: the role and epoch labels on the collector pods, which the VIP Service selects the active by.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["discovery.k8s.io"]
  resources: ["endpointslices"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- /*
Each pair's collector access (CollectorAccess.cs): ServiceAccount, Role and RoleBinding "<pair>-collector", watched
(list, watch), created, read back (get) and reset when edited (update); a RoleBinding whose roleRef was changed is
deleted and recreated (roleRef is immutable). No escalate or bind: Kubernetes lets the operator create that Role and
bind it because the operator holds every permission in it itself, leases get, update and watch in the same namespace
(the leases rule above).
*/}}
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["rolebindings"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}
