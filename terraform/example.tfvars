# terraform apply -var-file=example.tfvars   (copy it; *.tfvars other than this one are git-ignored)
name        = "platform"
environment = "staging"
region      = "eu-west-1"
multi_az    = false

node_instance_types = ["t3.large"]
node_min_size       = 1
node_desired_size   = 2
node_max_size       = 4

postgres_instance_class = "db.t4g.medium"
redis_node_type         = "cache.t4g.micro"
rabbitmq_instance_type  = "mq.t3.micro"
deletion_protection     = false
