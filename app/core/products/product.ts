/**
 * Products the bot vends besides accounts: Service Catalog products of the configured portfolios
 * (a VPC, a bucket with the company's guardrails), each with the parameters its template declares
 * and their constraints, as DescribeProvisioningParameters gives them.
 */

export interface ParameterConstraints {
  allowedValues?: string[];
  allowedPattern?: string;
  /** What the template says when a value breaks the pattern (or any constraint). */
  constraintDescription?: string;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
}

export interface ProductParameter {
  key: string;
  description?: string;
  /** CloudFormation parameter type: String, Number, CommaDelimitedList, List<Number>, AWS::EC2::... */
  type: string;
  default?: string;
  /** A secret: never shown, logged or stored in clear. */
  noEcho: boolean;
  constraints: ParameterConstraints;
}

export interface ProductSummary {
  id: string;
  name: string;
  description?: string;
  owner?: string;
  /** The provisioning artifact (version) a launch uses: the DEFAULT one. */
  artifactId: string;
  artifactName?: string;
  /** The launch path the bot's role may use. */
  pathId?: string;
}

export interface Product extends ProductSummary {
  parameters: ProductParameter[];
}

/** A record output of a launched product, e.g. the bucket name or the VPC id. */
export interface ProductOutput {
  key: string;
  value: string;
  description?: string;
}
