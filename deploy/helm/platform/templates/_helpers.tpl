{{/* Chart name, truncated to the DNS label limit. */}}
{{- define "platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped prefix of every object name. */}}
{{- define "platform.fullname" -}}
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

{{/* Name of one service's objects. Call with (list $ "<service>"). */}}
{{- define "platform.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "platform.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object of the release. */}}
{{- define "platform.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: platform
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of the release's pods (all services). */}}
{{- define "platform.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one service. Call with (list $ "<service>"). */}}
{{- define "platform.selectorLabels" -}}
{{- $root := index . 0 -}}
{{ include "platform.releaseSelectorLabels" $root }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* All labels of one service's objects. Call with (list $ "<service>"). */}}
{{- define "platform.labels" -}}
{{- $root := index . 0 -}}
{{ include "platform.commonLabels" $root }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/*
A service's effective settings: serviceDefaults overridden by its entry in .Values.services.
Call with (list $ "<service>") and read with fromYaml.
*/}}
{{- define "platform.serviceValues" -}}
{{- $root := index . 0 -}}
{{- $entry := index $root.Values.services (index . 1) | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy $root.Values.serviceDefaults) (deepCopy $entry)) -}}
{{- end -}}

{{- define "platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "platform.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secret holding one service's DATABASE_URL (and, with tenancy, _MIGRATIONS_URL and _SYSTEM_URL). Call with (list $ "<service>"). */}}
{{- define "platform.databaseSecretName" -}}
{{- $root := index . 0 -}}
{{- printf "%s%s" $root.Values.secrets.databasePrefix (index . 1) -}}
{{- end -}}

{{/* Space-separated platform_<service> names of the services that have a database. */}}
{{- define "platform.databaseNames" -}}
{{- $names := list -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := include "platform.serviceValues" (list $ $name) | fromYaml -}}
{{- if and (ne (toString $svc.enabled) "false") $svc.database -}}
{{- $names = append $names (printf "platform_%s" ($name | replace "-" "_")) -}}
{{- end -}}
{{- end -}}
{{- join " " $names -}}
{{- end -}}

{{/* Names of the enabled services with `tenancy: true` (row-level security), one per line. */}}
{{- define "platform.tenancyServices" -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := include "platform.serviceValues" (list $ $name) | fromYaml -}}
{{- if and (ne (toString $svc.enabled) "false") $svc.database $svc.tenancy }}
{{ $name }}
{{- end -}}
{{- end -}}
{{- end -}}
