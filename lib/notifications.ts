import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Properties of {@link Notifications}. */
export interface NotificationsProps {
  /** E-mail address subscribed to the topic (the address must confirm the subscription). @default no subscription */
  readonly email?: string;
}

/**
 * The topic for run digests and alarms, encrypted with a customer managed key. A customer
 * managed key is required, not a preference: CloudWatch alarms cannot publish to a topic
 * encrypted with the AWS managed key (aws/sns), whose policy cannot be changed. The same key
 * encrypts the enforcer's dead-letter queue.
 */
export class Notifications extends Construct {
  /** Customer managed key (rotated yearly) for the topic and the dead-letter queue. */
  public readonly key: kms.Key;
  /** Digests of runs that terminated, failed or capped anything, and every alarm. */
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'cvpn-guard: encrypts the notification topic and the dead-letter queue',
      enableKeyRotation: true,
      // The key protects only messages in flight (topic, dead-letter queue), which go with the
      // stack; the tables use the AWS managed key and so stay readable when retained.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'cvpn-guard',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    }
  }
}
