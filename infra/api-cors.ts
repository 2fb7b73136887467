/**
 * Sets the HTTP API's CORS configuration once the origins it names exist.
 *
 * The portal calls the API on the API's own origin, so three things name each other: the API's
 * CORS allows the portal's origin (its CloudFront domain), and the portal's distribution sends a
 * CSP whose connect-src names the API's origin (the API id). As properties of the two resources
 * that is a CloudFormation dependency cycle, so the API is created without CORS and this custom
 * resource (UpdateApi, after both exist) owns its CORS configuration, on create and on every change.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  type AwsSdkCall,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { ApiCors } from '../shared/http/cors.js';

export interface ApiCorsConfigurationProps {
  readonly api: HttpApi;
  readonly cors: ApiCors;
}

export class ApiCorsConfiguration extends Construct {
  constructor(scope: Construct, id: string, props: ApiCorsConfigurationProps) {
    super(scope, id);
    const { api, cors } = props;
    const stack = Stack.of(this);
    const update: AwsSdkCall = {
      service: 'ApiGatewayV2',
      action: 'UpdateApi',
      parameters: {
        ApiId: api.apiId,
        CorsConfiguration: {
          AllowOrigins: [...cors.allowOrigins],
          AllowMethods: [...cors.allowMethods],
          AllowHeaders: [...cors.allowHeaders],
          MaxAge: cors.maxAgeSeconds,
          AllowCredentials: false,
        },
      },
      physicalResourceId: PhysicalResourceId.of(`${api.apiId}-cors`),
    };
    new AwsCustomResource(this, 'UpdateApi', {
      onCreate: update,
      onUpdate: update,
      // Deleting the stack deletes the API with its CORS: nothing to undo.
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['apigateway:PATCH'],
          resources: [`arn:${stack.partition}:apigateway:${stack.region}::/apis/${api.apiId}`],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    this.acknowledgeProvider(stack);
  }

  /** AwsCustomResource runs on one CDK-managed function per stack. */
  private acknowledgeProvider(stack: Stack) {
    const provider = stack.node.tryFindChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (!provider) throw new Error('AwsCustomResource provider function not found');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's AwsCustomResource provider uses the AWS managed basic execution policy (CloudWatch Logs " +
        'write only) and offers no way to replace it; its only other grant is apigateway:PATCH on this API.',
    });
  }
}
