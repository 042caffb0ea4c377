import type { ConfirmChannel, Options } from 'amqplib';

/** Publishes and resolves once the broker has confirmed (persisted) the message. */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, content, options, (error) => {
      if (error)
        reject(error instanceof Error ? error : new Error(`broker nacked publish to "${routingKey}"`));
      else resolve();
    });
  });
}
