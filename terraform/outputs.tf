output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = module.eks.cluster_endpoint
}

output "configure_kubectl" {
  description = "Command that writes a kubeconfig entry for the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "postgres_endpoint" {
  description = "host:port of RDS PostgreSQL (databases platform_<service>)."
  value       = aws_db_instance.postgres.endpoint
}

output "postgres_master_secret_arn" {
  description = "Secrets Manager ARN of the RDS master credentials (managed by RDS)."
  value       = aws_db_instance.postgres.master_user_secret[0].secret_arn
}

output "redis_primary_endpoint" {
  description = "ElastiCache primary endpoint (TLS, AUTH token in the shared secret)."
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}

output "rabbitmq_endpoints" {
  description = "Amazon MQ AMQPS endpoints."
  value       = aws_mq_broker.rabbitmq.instances[*].endpoints
}

output "rabbitmq_console_url" {
  description = "RabbitMQ management console (inside the VPC)."
  value       = aws_mq_broker.rabbitmq.instances[0].console_url
}

output "shared_secret_arn" {
  description = "Secrets Manager ARN holding REDIS_URL and AMQP_URL."
  value       = aws_secretsmanager_secret.shared.arn
}

output "ecr_repository_urls" {
  description = "Service name -> ECR repository URL."
  value       = { for name, repo in aws_ecr_repository.service : name => repo.repository_url }
}
