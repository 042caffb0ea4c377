variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "platform"
}

variable "environment" {
  description = "Environment label (production, staging, ...)."
  type        = string
  default     = "production"
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (a /16 leaves room for every subnet tier)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "multi_az" {
  description = "Spread the data stores over several availability zones (failover replicas)."
  type        = bool
  default     = true
}

variable "kubernetes_version" {
  description = "EKS control-plane version."
  type        = string
  default     = "1.31"
}

variable "cluster_endpoint_public_access" {
  description = "Expose the EKS API endpoint publicly (restrict with cluster_endpoint_public_access_cidrs)."
  type        = bool
  default     = true
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public EKS API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "node_min_size" {
  type    = number
  default = 2
}

variable "node_desired_size" {
  type    = number
  default = 3
}

variable "node_max_size" {
  type    = number
  default = 6
}

variable "postgres_engine_version" {
  description = "RDS PostgreSQL major version."
  type        = string
  default     = "16"
}

variable "postgres_instance_class" {
  type    = string
  default = "db.t4g.large"
}

variable "postgres_allocated_storage_gb" {
  type    = number
  default = 50
}

variable "redis_node_type" {
  type    = string
  default = "cache.t4g.small"
}

variable "rabbitmq_engine_version" {
  description = "Amazon MQ for RabbitMQ version."
  type        = string
  default     = "3.13"
}

variable "rabbitmq_instance_type" {
  description = "Broker instance type (mq.m5.large or larger for a multi-AZ cluster)."
  type        = string
  default     = "mq.m5.large"
}

variable "deletion_protection" {
  description = "Protect the database from deletion and keep a final snapshot."
  type        = bool
  default     = true
}

variable "services" {
  description = "The deployable services: one ECR repository each."
  type        = list(string)
  default     = ["gateway", "auth", "payments", "recordings", "voice", "storage", "audio-worker", "campaigns", "analytics"]
}
