# AWS layout of the platform: a VPC, an EKS cluster for the nine services (deployed with the Helm
# chart in deploy/helm/platform), RDS PostgreSQL (one database per service), ElastiCache Redis,
# Amazon MQ for RabbitMQ, and one ECR repository per service. No secret is written here:
# passwords are generated, and the connection URLs are stored in AWS Secrets Manager.

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 3)
}

################################################################################
# Network
################################################################################

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.13"

  name = var.name
  cidr = var.vpc_cidr
  azs  = local.azs

  private_subnets     = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, i)]
  public_subnets      = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, i + 48)]
  database_subnets    = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, i + 52)]
  elasticache_subnets = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, i + 56)]

  create_database_subnet_group    = true
  create_elasticache_subnet_group = true

  enable_nat_gateway   = true
  single_nat_gateway   = !var.multi_az
  enable_dns_hostnames = true

  public_subnet_tags  = { "kubernetes.io/role/elb" = 1 }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = 1 }
}

################################################################################
# Kubernetes
################################################################################

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.24"

  cluster_name    = var.name
  cluster_version = var.kubernetes_version

  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnets

  cluster_endpoint_public_access           = var.cluster_endpoint_public_access
  cluster_endpoint_public_access_cidrs     = var.cluster_endpoint_public_access_cidrs
  enable_cluster_creator_admin_permissions = true

  cluster_addons = {
    coredns                = {}
    kube-proxy             = {}
    vpc-cni                = {}
    eks-pod-identity-agent = {}
  }

  eks_managed_node_groups = {
    default = {
      instance_types = var.node_instance_types
      min_size       = var.node_min_size
      desired_size   = var.node_desired_size
      max_size       = var.node_max_size
    }
  }
}

# Each data store accepts connections from the cluster's nodes only.
resource "aws_security_group" "data" {
  for_each = {
    postgres = 5432
    redis    = 6379
    rabbitmq = 5671
  }

  name        = "${var.name}-${each.key}"
  description = "${each.key} reachable from the EKS nodes"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description     = "${each.key} from EKS nodes"
    from_port       = each.value
    to_port         = each.value
    protocol        = "tcp"
    security_groups = [module.eks.node_security_group_id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [var.vpc_cidr]
  }
}

################################################################################
# PostgreSQL: one instance; each service has its own database on it (platform_<service>),
# created by the chart's database-init job, migrated by the service itself.
################################################################################

resource "aws_db_parameter_group" "postgres" {
  name   = "${var.name}-postgres${var.postgres_engine_version}"
  family = "postgres${var.postgres_engine_version}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "postgres" {
  identifier     = "${var.name}-postgres"
  engine         = "postgres"
  engine_version = var.postgres_engine_version
  instance_class = var.postgres_instance_class

  allocated_storage     = var.postgres_allocated_storage_gb
  max_allocated_storage = var.postgres_allocated_storage_gb * 10
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = "postgres"
  username = "platform_admin"
  # RDS generates the password and keeps it in Secrets Manager (never in state or code).
  manage_master_user_password = true

  db_subnet_group_name   = module.vpc.database_subnet_group_name
  vpc_security_group_ids = [aws_security_group.data["postgres"].id]
  parameter_group_name   = aws_db_parameter_group.postgres.name
  multi_az               = var.multi_az
  publicly_accessible    = false

  backup_retention_period      = 7
  copy_tags_to_snapshot        = true
  auto_minor_version_upgrade   = true
  performance_insights_enabled = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = !var.deletion_protection
  final_snapshot_identifier    = "${var.name}-postgres-final"
}

################################################################################
# Redis: rate-limit counters, response cache, idempotency records, token revocation.
################################################################################

resource "random_password" "redis" {
  length  = 48
  special = false
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "${var.name}-redis"
  description          = "${var.name} rate limits, cache and idempotency records"

  engine               = "redis"
  engine_version       = "7.1"
  parameter_group_name = "default.redis7"
  node_type            = var.redis_node_type
  port                 = 6379

  num_cache_clusters         = var.multi_az ? 2 : 1
  automatic_failover_enabled = var.multi_az
  multi_az_enabled           = var.multi_az

  subnet_group_name  = module.vpc.elasticache_subnet_group_name
  security_group_ids = [aws_security_group.data["redis"].id]

  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  auth_token                 = random_password.redis.result
  snapshot_retention_limit   = 1
}

################################################################################
# RabbitMQ (Amazon MQ): RPC and the platform.events topic exchange.
################################################################################

resource "random_password" "rabbitmq" {
  length  = 40
  special = false
}

resource "aws_mq_broker" "rabbitmq" {
  broker_name        = "${var.name}-rabbitmq"
  engine_type        = "RabbitMQ"
  engine_version     = var.rabbitmq_engine_version
  host_instance_type = var.rabbitmq_instance_type
  deployment_mode    = var.multi_az ? "CLUSTER_MULTI_AZ" : "SINGLE_INSTANCE"

  subnet_ids          = var.multi_az ? module.vpc.private_subnets : [module.vpc.private_subnets[0]]
  security_groups     = [aws_security_group.data["rabbitmq"].id]
  publicly_accessible = false

  auto_minor_version_upgrade = true

  user {
    username = "platform"
    password = random_password.rabbitmq.result
  }

  logs {
    general = true
  }

  maintenance_window_start_time {
    day_of_week = "SUNDAY"
    time_of_day = "03:00"
    time_zone   = "UTC"
  }
}

################################################################################
# Connection URLs for the services (REDIS_URL, AMQP_URL), in Secrets Manager. Sync them into the
# cluster's `platform-shared` Secret (e.g. with External Secrets Operator).
################################################################################

resource "aws_secretsmanager_secret" "shared" {
  name                    = "${var.name}/shared"
  description             = "REDIS_URL and AMQP_URL of the ${var.name} services"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "shared" {
  secret_id = aws_secretsmanager_secret.shared.id
  secret_string = jsonencode({
    REDIS_URL = "rediss://:${random_password.redis.result}@${aws_elasticache_replication_group.redis.primary_endpoint_address}:6379"
    AMQP_URL  = replace(aws_mq_broker.rabbitmq.instances[0].endpoints[0], "amqps://", "amqps://platform:${random_password.rabbitmq.result}@")
  })
}

################################################################################
# Container images: one repository per service (the CI pushes to GHCR; mirror here for EKS).
################################################################################

resource "aws_ecr_repository" "service" {
  for_each = toset(var.services)

  name                 = "${var.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "service" {
  for_each   = aws_ecr_repository.service
  repository = each.value.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 50 images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = 50
      }
      action = { type = "expire" }
    }]
  })
}
