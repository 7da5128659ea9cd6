"""RabbitMQ (or server-less kombu) messaging: topology, publisher with confirms, consumer."""
