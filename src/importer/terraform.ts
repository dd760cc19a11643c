// `terraform show -json` output, state or plan, turned into the describe-* shapes the builder reads.
// State: values.root_module (resources + child_modules). Plan: planned_values.root_module for what is known;
// attributes only known after apply (ids of resources not created yet, their references) come from the
// configuration's references, and resources without an id get a `tf:ADDRESS` placeholder that the builder
// replaces with a generated id. Terraform's provider attribute names are those of the AWS provider docs.
import { parseProtocol } from '../net/index.js';
import { isObj, type ImportWarning, type J, type Snapshot } from './source.js';

export function isTerraformJson(d: unknown): boolean {
  return isObj(d) && typeof d.format_version === 'string' && (isObj(d.values) || isObj(d.planned_values) || Array.isArray(d.resource_changes));
}

interface TfResource {
  address: string;
  /** address without instance keys, as the configuration names it */
  base: string;
  /** `module.a.module.b.` or '' */
  module: string;
  type: string;
  mode: string;
  values: J;
  path: string;
}

/** Types rampart reads. */
const HANDLED = new Set([
  'aws_vpc', 'aws_vpc_ipv4_cidr_block_association', 'aws_subnet', 'aws_security_group', 'aws_default_security_group', 'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'aws_network_acl', 'aws_default_network_acl', 'aws_network_acl_rule',
  'aws_network_acl_association', 'aws_instance', 'aws_network_interface', 'aws_network_interface_attachment', 'aws_network_interface_sg_attachment',
  'aws_route_table', 'aws_default_route_table', 'aws_route', 'aws_route_table_association', 'aws_main_route_table_association', 'aws_internet_gateway',
  'aws_internet_gateway_attachment', 'aws_vpc_peering_connection', 'aws_vpc_peering_connection_accepter', 'aws_eip', 'aws_eip_association', 'aws_nat_gateway', 'aws_db_instance',
  'aws_db_subnet_group', 'aws_lb', 'aws_alb', 'aws_elb', 'aws_ec2_managed_prefix_list', 'aws_ec2_managed_prefix_list_entry',
]);

/** Types that shape the network but rampart does not read: reported as skipped, never ignored quietly. */
const NETWORK_UNSUPPORTED = new Set([
  'aws_vpc_endpoint', 'aws_vpc_endpoint_subnet_association', 'aws_vpc_endpoint_route_table_association', 'aws_egress_only_internet_gateway',
  'aws_vpn_gateway', 'aws_vpn_gateway_attachment', 'aws_vpn_gateway_route_propagation', 'aws_ec2_transit_gateway_vpc_attachment',
  'aws_default_vpc', 'aws_default_subnet', 'aws_vpc_ipv6_cidr_block_association', 'aws_networkfirewall_firewall', 'aws_ec2_carrier_gateway',
  'aws_ec2_local_gateway_route', 'aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_lambda_function', 'aws_elasticache_cluster',
  'aws_elasticache_replication_group', 'aws_ecs_service', 'aws_vpc_security_group_vpc_association',
]);

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const objs = (v: unknown): J[] => list(v).filter(isObj);
const strsOf = (v: unknown): string[] => list(v).map(s).filter((x): x is string => x !== undefined);

/** Terraform `tags = { k = v }` as AWS `Tags: [{Key, Value}]`. */
function awsTags(v: J): J[] {
  const t = isObj(v.tags) ? v.tags : isObj(v.tags_all) ? v.tags_all : {};
  return Object.entries(t).map(([Key, Value]) => ({ Key, Value: typeof Value === 'string' ? Value : String(Value) }));
}

class Reader {
  readonly resources: TfResource[] = [];
  private readonly byBase = new Map<string, TfResource[]>();
  private readonly config = new Map<string, J>();
  private readonly items = new Map<string, J>();
  constructor(
    private readonly data: J,
    private readonly file: string,
    private readonly snap: Snapshot,
    private readonly w: ImportWarning[],
  ) {}

  private warn(kind: 'skipped' | 'note', path: string, message: string): void {
    this.w.push({ kind, file: this.file, path, message });
  }

  read(): void {
    const plan = isObj(this.data.planned_values);
    const root = plan ? (this.data.planned_values as J).root_module : isObj(this.data.values) ? (this.data.values as J).root_module : undefined;
    const rootPath = plan ? '$.planned_values.root_module' : '$.values.root_module';
    if (isObj(root)) this.walk(root, rootPath);
    else if (!plan && !isObj(this.data.values)) {
      this.warn('note', '$', 'terraform output with no values: nothing to import (an empty state?)');
      return;
    }
    if (isObj(this.data.configuration)) this.walkConfig((this.data.configuration as J).root_module, '');
    // a plan's values lack what is known only after apply: note it once
    if (plan) {
      const created = objs(this.data.resource_changes).filter((c) => list((c.change as J | undefined)?.actions).includes('create')).length;
      if (created) this.warn('note', '$.resource_changes', `${created} resource${created > 1 ? 's' : ''} the plan creates: attributes known only after apply (ids, addresses) are given by rampart`);
    }
    for (const r of this.resources) {
      const l = this.byBase.get(r.base) ?? [];
      l.push(r);
      this.byBase.set(r.base, l);
    }
    this.convert();
  }

  private walk(m: J, path: string): void {
    objs(m.resources).forEach((r, i) => {
      const address = s(r.address) ?? '';
      const type = s(r.type) ?? '';
      const module = address.startsWith('module.') ? address.slice(0, address.lastIndexOf(`${type}.`)) : '';
      this.resources.push({ address, base: address.replace(/\[[^\]]*\]/g, ''), module: module.replace(/\[[^\]]*\]/g, ''), type, mode: s(r.mode) ?? 'managed', values: isObj(r.values) ? r.values : {}, path: `${path}.resources[${i}]` });
    });
    objs(m.child_modules).forEach((c, i) => this.walk(c, `${path}.child_modules[${i}]`));
  }

  private walkConfig(m: unknown, prefix: string): void {
    if (!isObj(m)) return;
    for (const r of objs(m.resources)) if (s(r.address) && isObj(r.expressions)) this.config.set(prefix + s(r.address)!, r.expressions);
    if (isObj(m.module_calls)) for (const [name, call] of Object.entries(m.module_calls)) if (isObj(call)) this.walkConfig(call.module, `${prefix}module.${name}.`);
  }

  /** The id of a resource: its `id`, or a placeholder while the plan has not made it. */
  private idOf(r: TfResource, attr = 'id'): string {
    return s(r.values[attr]) ?? (attr === 'id' ? `tf:${r.address}` : `tf:${r.address}.${attr}`);
  }

  /** References of an attribute in the configuration (`aws_vpc.main.id`) turned into ids. */
  private refsOf(r: TfResource, expr: unknown): string[] {
    const refs = isObj(expr) ? strsOf(expr.references) : [];
    const out: string[] = [];
    for (const ref of refs) {
      const parts = ref.split('.');
      if (parts[0] === 'var' || parts[0] === 'local' || parts[0] === 'data' || parts[0] === 'module' || parts[0] === 'each' || parts[0] === 'count') continue;
      if (parts.length < 2) continue;
      const base = `${r.module}${parts[0]}.${parts[1].replace(/\[[^\]]*\]/g, '')}`;
      const target = this.byBase.get(base)?.[0];
      if (!target) continue;
      const attr = parts[2]?.replace(/\[[^\]]*\]/g, '') ?? 'id';
      const id = this.idOf(target, attr);
      if (!out.includes(id)) out.push(id);
    }
    return out;
  }

  /** A single-valued attribute: its value, else what the configuration references. */
  ref(r: TfResource, key: string): string | undefined {
    return s(r.values[key]) ?? this.refsOf(r, this.config.get(r.base)?.[key])[0];
  }

  /** A list attribute (security group ids, subnet ids): its values, else the configuration's references. */
  refs(r: TfResource, key: string, block?: { name: string; index: number }): string[] {
    const src = block ? objs(r.values[block.name])[block.index] ?? {} : r.values;
    const v = src[key];
    const known = strsOf(v);
    if (Array.isArray(v) && known.length === v.length) return known;
    const exprs = this.config.get(r.base);
    const expr = block ? (list(exprs?.[block.name])[block.index] as J | undefined)?.[key] : exprs?.[key];
    const fromConfig = this.refsOf(r, expr);
    return [...known, ...fromConfig.filter((x) => !known.includes(x))];
  }

  private add(key: Parameters<Snapshot['add']>[0], item: J, r: TfResource): J {
    this.snap.add(key, { item, file: this.file, path: r.path });
    return item;
  }

  // -------------------------------------------------------------- conversion

  private convert(): void {
    const ignored = new Map<string, number>();
    let dataSources = 0;
    const ordered = [...this.resources].sort((a, b) => order(a.type) - order(b.type));
    for (const r of ordered) {
      if (r.mode === 'data') {
        dataSources++;
        continue;
      }
      if (HANDLED.has(r.type)) this.one(r);
      else if (NETWORK_UNSUPPORTED.has(r.type)) this.warn('skipped', r.path, `${r.address}: ${r.type} is not modelled by rampart (its effect on traffic is not imported)`);
      else ignored.set(r.type, (ignored.get(r.type) ?? 0) + 1);
    }
    if (dataSources) this.warn('note', '$', `${dataSources} data source${dataSources > 1 ? 's' : ''} ignored: they read resources managed elsewhere; import those from their own state or describe-* output`);
    if (ignored.size) this.warn('note', '$', `ignored, not part of the network model: ${[...ignored].map(([t, c]) => `${t}×${c}`).join(', ')}`);
    this.finishRules();
  }

  private vpcMainTables = new Set<string>();
  private readonly groupRules = new Map<string, { key: string; item: J; r: TfResource }[]>();
  private readonly instancePrimaryEni = new Map<string, string>();
  private readonly dbSubnetGroups = new Map<string, string[]>();

  private one(r: TfResource): void {
    const v = r.values;
    const id = this.idOf(r);
    switch (r.type) {
      case 'aws_vpc': {
        const v6 = s(v.ipv6_cidr_block);
        this.items.set(id, this.add('Vpcs', {
          VpcId: id, CidrBlock: s(v.cidr_block), OwnerId: s(v.owner_id), InstanceTenancy: s(v.instance_tenancy) ?? 'default', IsDefault: false,
          CidrBlockAssociationSet: [{ CidrBlock: s(v.cidr_block) }],
          Ipv6CidrBlockAssociationSet: v6 ? [{ Ipv6CidrBlock: v6, AssociationId: s(v.ipv6_association_id) }] : [], Tags: awsTags(v),
        }, r));
        this.snap.vpcDefaults.set(id, { securityGroupId: s(v.default_security_group_id), networkAclId: s(v.default_network_acl_id), mainRouteTableId: s(v.main_route_table_id) });
        if (s(v.main_route_table_id)) this.vpcMainTables.add(s(v.main_route_table_id)!);
        return;
      }
      case 'aws_vpc_ipv4_cidr_block_association': {
        const vpc = this.items.get(this.ref(r, 'vpc_id') ?? '');
        if (!vpc) return this.warn('skipped', r.path, `${r.address}: its VPC is not in this file`);
        (vpc.CidrBlockAssociationSet as J[]).push({ CidrBlock: s(v.cidr_block), AssociationId: s(v.id) });
        return;
      }
      case 'aws_subnet': {
        const v6 = s(v.ipv6_cidr_block);
        this.add('Subnets', {
          SubnetId: id, VpcId: this.ref(r, 'vpc_id'), CidrBlock: s(v.cidr_block), AvailabilityZone: s(v.availability_zone), AvailabilityZoneId: s(v.availability_zone_id),
          MapPublicIpOnLaunch: v.map_public_ip_on_launch === true, AssignIpv6AddressOnCreation: v.assign_ipv6_address_on_creation === true, OwnerId: s(v.owner_id),
          Ipv6CidrBlockAssociationSet: v6 ? [{ Ipv6CidrBlock: v6, AssociationId: s(v.ipv6_cidr_block_association_id) }] : [], Tags: awsTags(v),
        }, r);
        return;
      }
      case 'aws_security_group':
      case 'aws_default_security_group': {
        const isDefault = r.type === 'aws_default_security_group';
        this.items.set(id, this.add('SecurityGroups', {
          GroupId: id, GroupName: isDefault ? 'default' : (s(v.name) ?? r.address), Description: s(v.description) ?? (isDefault ? 'default VPC security group' : 'Managed by Terraform'),
          VpcId: this.ref(r, 'vpc_id'), OwnerId: s(v.owner_id), Tags: awsTags(v), IpPermissions: [], IpPermissionsEgress: [],
        }, r));
        for (const [block, egress] of [['ingress', false], ['egress', true]] as const) {
          objs(v[block]).forEach((b, i) => this.inlineRule(r, id, egress, b, { name: block, index: i }));
        }
        return;
      }
      case 'aws_security_group_rule': {
        const gid = this.ref(r, 'security_group_id') ?? '';
        const egress = s(v.type) === 'egress';
        this.inlineRule(r, gid, egress, { ...v, security_groups: s(v.source_security_group_id) ? [s(v.source_security_group_id)] : [] }, undefined, s(v.security_group_rule_id));
        return;
      }
      case 'aws_vpc_security_group_ingress_rule':
      case 'aws_vpc_security_group_egress_rule': {
        const gid = this.ref(r, 'security_group_id') ?? '';
        const egress = r.type.endsWith('egress_rule');
        const proto = s(v.ip_protocol) ?? '-1';
        const ref = this.ref(r, 'referenced_security_group_id');
        this.rule(r, gid, egress, {
          SecurityGroupRuleId: s(v.security_group_rule_id) ?? (s(v.id)?.startsWith('sgr-') ? s(v.id) : undefined),
          IpProtocol: proto, FromPort: n(v.from_port), ToPort: n(v.to_port), CidrIpv4: s(v.cidr_ipv4), CidrIpv6: s(v.cidr_ipv6),
          PrefixListId: this.ref(r, 'prefix_list_id'), ReferencedGroupInfo: ref ? refInfo(ref) : undefined, Description: s(v.description), Tags: awsTags(v),
        });
        return;
      }
      case 'aws_network_acl':
      case 'aws_default_network_acl': {
        const isDefault = r.type === 'aws_default_network_acl';
        const aclId = isDefault ? (s(v.default_network_acl_id) ?? id) : id;
        const entries: J[] = [];
        for (const [block, egress] of [['ingress', false], ['egress', true]] as const) {
          for (const e of objs(v[block])) entries.push(tfEntry(e, egress, 'rule_no', 'action'));
        }
        this.items.set(aclId, this.add('NetworkAcls', {
          NetworkAclId: aclId, VpcId: this.ref(r, 'vpc_id'), IsDefault: isDefault, OwnerId: s(v.owner_id), Tags: awsTags(v), Entries: entries,
          Associations: this.refs(r, 'subnet_ids').map((sid) => ({ SubnetId: sid })),
        }, r));
        return;
      }
      case 'aws_network_acl_rule': {
        const acl = this.items.get(this.ref(r, 'network_acl_id') ?? '');
        if (!acl) return this.warn('skipped', r.path, `${r.address}: network ACL ${this.ref(r, 'network_acl_id')} is not in this file`);
        const e = tfEntry(v, v.egress === true, 'rule_number', 'rule_action');
        const entries = acl.Entries as J[];
        if (!entries.some((x) => x.RuleNumber === e.RuleNumber && x.Egress === e.Egress)) entries.push(e);
        return;
      }
      case 'aws_network_acl_association': {
        const acl = this.items.get(this.ref(r, 'network_acl_id') ?? '');
        if (!acl) return this.warn('skipped', r.path, `${r.address}: network ACL ${this.ref(r, 'network_acl_id')} is not in this file`);
        const subnet = this.ref(r, 'subnet_id');
        const assocs = (acl.Associations as J[]).filter((a) => a.SubnetId !== subnet);
        assocs.push({ SubnetId: subnet, NetworkAclAssociationId: s(v.id) });
        acl.Associations = assocs;
        return;
      }
      case 'aws_route_table':
      case 'aws_default_route_table': {
        const isDefault = r.type === 'aws_default_route_table';
        const rtbId = isDefault ? (s(v.default_route_table_id) ?? id) : id;
        this.items.set(rtbId, this.add('RouteTables', {
          RouteTableId: rtbId, VpcId: this.ref(r, 'vpc_id'), OwnerId: s(v.owner_id), Tags: awsTags(v),
          Routes: objs(v.route).map(tfRoute), Associations: isDefault || this.vpcMainTables.has(rtbId) ? [{ Main: true }] : [],
        }, r));
        return;
      }
      case 'aws_main_route_table_association': {
        const t = this.items.get(this.ref(r, 'route_table_id') ?? '');
        if (!t) return this.warn('skipped', r.path, `${r.address}: route table ${this.ref(r, 'route_table_id')} is not in this file`);
        for (const other of this.items.values()) if (other !== t && other.VpcId === t.VpcId && Array.isArray(other.Associations) && other.RouteTableId) other.Associations = (other.Associations as J[]).filter((a) => a.Main !== true);
        (t.Associations as J[]).push({ Main: true, RouteTableAssociationId: s(v.id) });
        return;
      }
      case 'aws_route': {
        const t = this.items.get(this.ref(r, 'route_table_id') ?? '');
        if (!t) return this.warn('skipped', r.path, `${r.address}: route table ${this.ref(r, 'route_table_id')} is not in this file`);
        const route = tfRoute({
          ...v, cidr_block: v.destination_cidr_block, ipv6_cidr_block: v.destination_ipv6_cidr_block,
          gateway_id: this.ref(r, 'gateway_id'), nat_gateway_id: this.ref(r, 'nat_gateway_id'), network_interface_id: this.ref(r, 'network_interface_id'),
          vpc_peering_connection_id: this.ref(r, 'vpc_peering_connection_id'), instance_id: this.ref(r, 'instance_id'), destination_prefix_list_id: this.ref(r, 'destination_prefix_list_id'),
        });
        const routes = t.Routes as J[];
        const dest = (x: J) => x.DestinationCidrBlock ?? x.DestinationIpv6CidrBlock ?? x.DestinationPrefixListId;
        if (!routes.some((x) => dest(x) === dest(route))) routes.push(route);
        return;
      }
      case 'aws_route_table_association': {
        const t = this.items.get(this.ref(r, 'route_table_id') ?? '');
        if (!t) return this.warn('skipped', r.path, `${r.address}: route table ${this.ref(r, 'route_table_id')} is not in this file`);
        (t.Associations as J[]).push({ RouteTableAssociationId: s(v.id), SubnetId: this.ref(r, 'subnet_id'), GatewayId: this.ref(r, 'gateway_id'), Main: false });
        return;
      }
      case 'aws_internet_gateway': {
        const vpc = this.ref(r, 'vpc_id');
        this.items.set(id, this.add('InternetGateways', { InternetGatewayId: id, OwnerId: s(v.owner_id), Tags: awsTags(v), Attachments: vpc ? [{ VpcId: vpc, State: 'available' }] : [] }, r));
        return;
      }
      case 'aws_internet_gateway_attachment': {
        const g = this.items.get(this.ref(r, 'internet_gateway_id') ?? '');
        if (!g) return this.warn('skipped', r.path, `${r.address}: internet gateway ${this.ref(r, 'internet_gateway_id')} is not in this file`);
        g.Attachments = [{ VpcId: this.ref(r, 'vpc_id'), State: 'available' }];
        return;
      }
      case 'aws_vpc_peering_connection': {
        const status = s(v.accept_status) ?? (v.auto_accept === true ? 'active' : 'pending-acceptance');
        this.items.set(id, this.add('VpcPeeringConnections', {
          VpcPeeringConnectionId: id, RequesterVpcInfo: { VpcId: this.ref(r, 'vpc_id') }, Tags: awsTags(v),
          AccepterVpcInfo: { VpcId: this.ref(r, 'peer_vpc_id'), OwnerId: s(v.peer_owner_id), Region: s(v.peer_region) }, Status: { Code: status },
        }, r));
        return;
      }
      case 'aws_vpc_peering_connection_accepter': {
        const p = this.items.get(this.ref(r, 'vpc_peering_connection_id') ?? '');
        if (p && s(v.accept_status)) p.Status = { Code: s(v.accept_status) };
        return;
      }
      case 'aws_network_interface': {
        const ips = strsOf(v.private_ips);
        const primary = s(v.private_ip) ?? ips[0];
        const att = objs(v.attachment)[0];
        this.items.set(id, this.add('NetworkInterfaces', {
          NetworkInterfaceId: id, SubnetId: this.ref(r, 'subnet_id'), Description: s(v.description) ?? '', InterfaceType: s(v.interface_type) ?? 'interface',
          Groups: this.refs(r, 'security_groups').map((g) => ({ GroupId: g })), MacAddress: s(v.mac_address), OwnerId: s(v.owner_id),
          PrivateIpAddresses: [...(primary ? [primary] : []), ...ips.filter((x) => x !== primary)].map((ip, i) => ({ PrivateIpAddress: ip, Primary: i === 0 })),
          Ipv6Addresses: strsOf(v.ipv6_addresses).map((a) => ({ Ipv6Address: a })), SourceDestCheck: v.source_dest_check !== false, TagSet: awsTags(v),
          ...(att ? { Attachment: { InstanceId: s(att.instance), DeviceIndex: n(att.device_index), AttachmentId: s(att.attachment_id) } } : {}),
        }, r));
        return;
      }
      case 'aws_network_interface_attachment': {
        const e = this.items.get(this.ref(r, 'network_interface_id') ?? '');
        if (!e) return this.warn('skipped', r.path, `${r.address}: network interface ${this.ref(r, 'network_interface_id')} is not in this file`);
        e.Attachment = { InstanceId: this.ref(r, 'instance_id'), DeviceIndex: n(v.device_index), AttachmentId: s(v.attachment_id) ?? s(v.id) };
        return;
      }
      case 'aws_network_interface_sg_attachment': {
        const e = this.items.get(this.ref(r, 'network_interface_id') ?? '');
        if (!e) return this.warn('skipped', r.path, `${r.address}: network interface ${this.ref(r, 'network_interface_id')} is not in this file`);
        const g = this.ref(r, 'security_group_id');
        if (g && !(e.Groups as J[]).some((x) => x.GroupId === g)) (e.Groups as J[]).push({ GroupId: g });
        return;
      }
      case 'aws_instance': {
        const groups = this.refs(r, 'vpc_security_group_ids');
        const attached = objs(v.network_interface);
        const primaryAttached = attached.find((a) => n(a.device_index) === 0);
        const eniId = s(primaryAttached?.network_interface_id) ?? s(v.primary_network_interface_id) ?? `tf:${r.address}#eni`;
        this.instancePrimaryEni.set(id, eniId);
        const existing = this.items.get(eniId);
        const publicIp = s(v.public_ip);
        const wantsPublic = v.associate_public_ip_address === true;
        const primaryEni: J = existing ?? {
          NetworkInterfaceId: eniId, SubnetId: this.ref(r, 'subnet_id'), Groups: groups.map((g) => ({ GroupId: g })), SourceDestCheck: v.source_dest_check !== false,
          PrivateIpAddresses: [
            { PrivateIpAddress: s(v.private_ip), Primary: true, ...(publicIp || wantsPublic ? { Association: { PublicIp: publicIp } } : {}) },
            ...strsOf(v.secondary_private_ips).map((ip) => ({ PrivateIpAddress: ip, Primary: false })),
          ],
          Ipv6Addresses: strsOf(v.ipv6_addresses).map((a) => ({ Ipv6Address: a })),
        };
        this.add('Reservations', {
          Instances: [{
            InstanceId: id, ImageId: s(v.ami), InstanceType: s(v.instance_type), SubnetId: this.ref(r, 'subnet_id') ?? existing?.SubnetId,
            State: { Name: s(v.instance_state) ?? 'running' }, PrivateIpAddress: s(v.private_ip), Tags: awsTags(v),
            NetworkInterfaces: [{ ...primaryEni, Attachment: { DeviceIndex: 0 } }, ...attached.filter((a) => a !== primaryAttached).map((a) => ({ NetworkInterfaceId: s(a.network_interface_id), Attachment: { DeviceIndex: n(a.device_index) } }))],
          }],
        }, r);
        return;
      }
      case 'aws_eip': {
        const instance = this.ref(r, 'instance');
        this.items.set(id, this.add('Addresses', {
          AllocationId: s(v.allocation_id) ?? id, PublicIp: s(v.public_ip), Domain: 'vpc', AssociationId: s(v.association_id),
          NetworkInterfaceId: this.ref(r, 'network_interface') ?? (instance ? this.instancePrimaryEni.get(instance) : undefined),
          PrivateIpAddress: s(v.associate_with_private_ip) ?? s(v.private_ip), Tags: awsTags(v),
        }, r));
        return;
      }
      case 'aws_eip_association': {
        const a = this.items.get(this.ref(r, 'allocation_id') ?? '') ?? [...this.items.values()].find((x) => x.AllocationId === this.ref(r, 'allocation_id'));
        if (!a) return this.warn('skipped', r.path, `${r.address}: Elastic IP ${this.ref(r, 'allocation_id')} is not in this file`);
        const instance = this.ref(r, 'instance_id');
        a.NetworkInterfaceId = this.ref(r, 'network_interface_id') ?? (instance ? this.instancePrimaryEni.get(instance) : undefined);
        a.PrivateIpAddress = s(v.private_ip_address);
        a.AssociationId = s(v.id);
        return;
      }
      case 'aws_nat_gateway': {
        this.add('NatGateways', {
          NatGatewayId: id, SubnetId: this.ref(r, 'subnet_id'), ConnectivityType: s(v.connectivity_type) ?? 'public', State: 'available', Tags: awsTags(v),
          NatGatewayAddresses: [{ AllocationId: this.ref(r, 'allocation_id'), NetworkInterfaceId: s(v.network_interface_id), PrivateIp: s(v.private_ip), PublicIp: s(v.public_ip), IsPrimary: true }],
        }, r);
        return;
      }
      case 'aws_db_subnet_group':
        this.dbSubnetGroups.set(s(v.name) ?? id, this.refs(r, 'subnet_ids'));
        this.dbSubnetGroups.set(`tf:${r.address}.name`, this.refs(r, 'subnet_ids'));
        return;
      case 'aws_db_instance': {
        const groupName = this.ref(r, 'db_subnet_group_name');
        const subnets = this.dbSubnetGroups.get(groupName ?? '') ?? [];
        if (!subnets.length) this.warn('note', r.path, `${r.address}: DB subnet group ${groupName ?? '(none)'} is not in this file: the DB's subnets are unknown`);
        this.add('DBInstances', {
          DBInstanceIdentifier: s(v.identifier) ?? s(v.id) ?? r.address, Engine: s(v.engine), AvailabilityZone: s(v.availability_zone), MultiAZ: v.multi_az === true,
          PubliclyAccessible: v.publicly_accessible === true, VpcSecurityGroups: this.refs(r, 'vpc_security_group_ids').map((g) => ({ VpcSecurityGroupId: g })),
          DBSubnetGroup: { DBSubnetGroupName: groupName, Subnets: subnets.map((sid) => ({ SubnetIdentifier: sid })) }, TagList: awsTags(v),
        }, r);
        return;
      }
      case 'aws_lb':
      case 'aws_alb': {
        const subnets = [...this.refs(r, 'subnets')];
        const mapping = objs(v.subnet_mapping);
        for (const m of mapping) if (s(m.subnet_id) && !subnets.includes(s(m.subnet_id)!)) subnets.push(s(m.subnet_id)!);
        this.add('LoadBalancers', {
          LoadBalancerArn: s(v.arn), LoadBalancerName: s(v.name) ?? r.address, Type: s(v.load_balancer_type) ?? 'application', VpcId: s(v.vpc_id),
          Scheme: v.internal === true ? 'internal' : 'internet-facing', SecurityGroups: this.refs(r, 'security_groups'),
          AvailabilityZones: subnets.map((sid) => ({ SubnetId: sid, LoadBalancerAddresses: mapping.filter((m) => s(m.subnet_id) === sid && s(m.private_ipv4_address)).map((m) => ({ PrivateIPv4Address: s(m.private_ipv4_address) })) })),
        }, r);
        return;
      }
      case 'aws_elb':
        this.add('LoadBalancerDescriptions', {
          LoadBalancerName: s(v.name) ?? r.address, Subnets: this.refs(r, 'subnets'), SecurityGroups: this.refs(r, 'security_groups'),
          Scheme: v.internal === true ? 'internal' : 'internet-facing',
        }, r);
        return;
      case 'aws_ec2_managed_prefix_list': {
        this.add('ManagedPrefixLists', {
          PrefixListId: id, PrefixListName: s(v.name), AddressFamily: s(v.address_family) ?? 'IPv4', MaxEntries: n(v.max_entries), Version: n(v.version),
          OwnerId: s(v.owner_id), Tags: awsTags(v),
        }, r);
        this.snap.prefixListEntries.set(id, objs(v.entry).map((e, i) => ({ item: { Cidr: s(e.cidr), Description: s(e.description) }, file: this.file, path: `${r.path}.values.entry[${i}]` })));
        return;
      }
      case 'aws_ec2_managed_prefix_list_entry': {
        const pl = this.ref(r, 'prefix_list_id') ?? '';
        const l = this.snap.prefixListEntries.get(pl) ?? [];
        if (!l.some((e) => e.item.Cidr === s(v.cidr))) l.push({ item: { Cidr: s(v.cidr), Description: s(v.description) }, file: this.file, path: r.path });
        this.snap.prefixListEntries.set(pl, l);
        return;
      }
    }
  }

  /** A terraform rule block (inline or aws_security_group_rule): one AWS rule per peer. */
  private inlineRule(r: TfResource, groupId: string, egress: boolean, b: J, block?: { name: string; index: number }, ruleId?: string): void {
    const proto = s(b.protocol) ?? '-1';
    const base = { IpProtocol: proto, FromPort: n(b.from_port), ToPort: n(b.to_port), Description: s(b.description) };
    for (const c of strsOf(b.cidr_blocks)) this.rule(r, groupId, egress, { ...base, CidrIpv4: c, SecurityGroupRuleId: ruleId });
    for (const c of strsOf(b.ipv6_cidr_blocks)) this.rule(r, groupId, egress, { ...base, CidrIpv6: c, SecurityGroupRuleId: ruleId });
    for (const p of block ? this.refs(r, 'prefix_list_ids', block) : strsOf(b.prefix_list_ids)) this.rule(r, groupId, egress, { ...base, PrefixListId: p, SecurityGroupRuleId: ruleId });
    const groups = block ? this.refs(r, 'security_groups', block) : strsOf(b.security_groups).length ? strsOf(b.security_groups) : this.ref(r, 'source_security_group_id') ? [this.ref(r, 'source_security_group_id')!] : [];
    for (const g of groups) this.rule(r, groupId, egress, { ...base, ReferencedGroupInfo: refInfo(g), SecurityGroupRuleId: ruleId });
    if (b.self === true) this.rule(r, groupId, egress, { ...base, ReferencedGroupInfo: { GroupId: groupId }, SecurityGroupRuleId: ruleId });
  }

  /**
   * Terraform shows a rule twice when it is both an aws_security_group's inline block (refreshed from AWS) and
   * a separate rule resource: keep one per identity, the one that carries the rule id.
   */
  private rule(r: TfResource, groupId: string, egress: boolean, rule: J): void {
    const protocol = parseProtocol(String(rule.IpProtocol ?? '-1'));
    const ports = protocol === -1 ? '' : `${rule.FromPort}|${rule.ToPort}`;
    const ref = isObj(rule.ReferencedGroupInfo) ? rule.ReferencedGroupInfo : undefined;
    const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? ref?.GroupId;
    const key = `${egress}|${protocol ?? rule.IpProtocol}|${ports}|${String(peer)}`;
    const item: J = { GroupId: groupId, IsEgress: egress, ...rule };
    if (protocol === -1) {
      delete item.FromPort;
      delete item.ToPort;
    }
    const l = this.groupRules.get(groupId) ?? [];
    const same = l.find((x) => x.key === key);
    if (same) {
      if (!same.item.SecurityGroupRuleId && item.SecurityGroupRuleId) same.item.SecurityGroupRuleId = item.SecurityGroupRuleId;
      if (same.item.Description === undefined && item.Description !== undefined) same.item.Description = item.Description;
      if (Array.isArray(item.Tags) && item.Tags.length) same.item.Tags = item.Tags;
      return;
    }
    l.push({ key, item, r });
    this.groupRules.set(groupId, l);
  }

  private finishRules(): void {
    for (const l of this.groupRules.values()) {
      for (const { item, r } of l) this.snap.add('SecurityGroupRules', { item, file: this.file, path: r.path });
    }
  }
}

/** `123456789012/sg-…` (another account's group) or `sg-…`. */
function refInfo(g: string): J {
  const m = /^(\d{12})\/(sg-[0-9a-f]+)$/.exec(g);
  return m ? { GroupId: m[2], UserId: m[1] } : { GroupId: g };
}

function tfEntry(e: J, egress: boolean, numberKey: string, actionKey: string): J {
  const protocol = parseProtocol(String(s(e.protocol) ?? '-1'));
  return {
    RuleNumber: n(e[numberKey]), Egress: egress, Protocol: protocol === undefined ? s(e.protocol) : String(protocol), RuleAction: s(e[actionKey]),
    CidrBlock: s(e.cidr_block), Ipv6CidrBlock: s(e.ipv6_cidr_block),
    PortRange: { From: n(e.from_port), To: n(e.to_port) }, IcmpTypeCode: { Type: n(e.icmp_type), Code: n(e.icmp_code) },
  };
}

function tfRoute(rt: J): J {
  const gw = s(rt.gateway_id) ?? s(rt.vpc_endpoint_id);
  return {
    DestinationCidrBlock: s(rt.cidr_block), DestinationIpv6CidrBlock: s(rt.ipv6_cidr_block), DestinationPrefixListId: s(rt.destination_prefix_list_id),
    GatewayId: gw, NatGatewayId: s(rt.nat_gateway_id), NetworkInterfaceId: s(rt.network_interface_id), VpcPeeringConnectionId: s(rt.vpc_peering_connection_id),
    InstanceId: s(rt.instance_id), TransitGatewayId: s(rt.transit_gateway_id), EgressOnlyInternetGatewayId: s(rt.egress_only_gateway_id),
    CarrierGatewayId: s(rt.carrier_gateway_id), LocalGatewayId: s(rt.local_gateway_id), CoreNetworkArn: s(rt.core_network_arn), Origin: 'CreateRoute', State: 'active',
  };
}

/** Resources that others name come first (a rule resource after its group, a route after its table). */
function order(type: string): number {
  if (type === 'aws_vpc' || type === 'aws_ec2_managed_prefix_list' || type === 'aws_db_subnet_group') return 0;
  if (['aws_subnet', 'aws_security_group', 'aws_default_security_group', 'aws_network_acl', 'aws_default_network_acl', 'aws_route_table', 'aws_default_route_table', 'aws_internet_gateway', 'aws_vpc_peering_connection', 'aws_network_interface'].includes(type)) return 1;
  if (type === 'aws_instance') return 2;
  return 3;
}

export function readTerraform(data: J, file: string, snap: Snapshot, warnings: ImportWarning[]): void {
  new Reader(data, file, snap, warnings).read();
}
