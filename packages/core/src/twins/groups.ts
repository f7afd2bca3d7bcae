import type { TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError, conflictOnUnique } from "../errors";
import { json } from "./json";

// Asset groups form a tree per tenant (parent / children, never a cycle); an asset may
// be in several groups.

const ZName = z.string().trim().min(1, "is required").max(120);
export const ZCreateGroupSchema = z.object({
  name: ZName,
  parentId: z.string().uuid().nullish(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export const ZUpdateGroupSchema = z.object({
  id: z.string().uuid(),
  name: ZName.optional(),
  parentId: z.string().uuid().nullish(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export const ZGroupAssetsSchema = z.object({ groupId: z.string().uuid(), assetIds: z.array(z.string().uuid()).min(1).max(1000) });
export const ZSearchGroupsSchema = z.object({
  query: z.string().trim().max(120).optional(),
  parentId: z.string().uuid().nullish(),
  limit: z.number().int().min(1).max(1000).default(200),
});

const groupSelect = {
  id: true,
  name: true,
  parentId: true,
  metadata: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { members: true, children: true } },
} as const;

function present(g: {
  id: string;
  name: string;
  parentId: string | null;
  metadata: unknown;
  createdAt: Date;
  updatedAt: Date;
  _count: { members: number; children: number };
}) {
  return {
    id: g.id,
    name: g.name,
    parentId: g.parentId,
    metadata: g.metadata as Record<string, unknown>,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
    assets: g._count.members,
    children: g._count.children,
  };
}

export async function getGroup(db: TenantDb, id: string) {
  const g = await db.assetGroup.findUnique({ where: { id }, select: groupSelect });
  if (!g) throw AppError.notFound("asset group", id);
  return present(g);
}

/** Refuses a parent that is the group itself or one of its descendants. */
async function assertParent(db: TenantDb, id: string | null, parentId: string) {
  let cursor: string | null = parentId;
  for (let depth = 0; cursor; depth++) {
    if (cursor === id)
      throw AppError.badRequest("a group cannot be inside itself or one of its children", [
        { path: "parentId", message: "would make a cycle" },
      ]);
    if (depth > 64) throw AppError.badRequest("groups nest 64 levels at most", [{ path: "parentId", message: "too deep" }]);
    const parent: { parentId: string | null } | null = await db.assetGroup.findUnique({
      where: { id: cursor },
      select: { parentId: true },
    });
    if (!parent) throw AppError.notFound("parent group", cursor);
    cursor = parent.parentId;
  }
}

export async function createGroup(db: TenantDb, input: z.infer<typeof ZCreateGroupSchema>) {
  if (input.parentId) await assertParent(db, null, input.parentId);
  const g = await db.assetGroup
    .create({
      data: { tenantId: db.tenantId, name: input.name, parentId: input.parentId ?? null, metadata: json(input.metadata) },
      select: { id: true },
    })
    .catch((e) => conflictOnUnique(e, `a group named "${input.name}" already exists`));
  return getGroup(db, g.id);
}

export async function updateGroup(db: TenantDb, input: z.infer<typeof ZUpdateGroupSchema>) {
  await getGroup(db, input.id);
  if (input.parentId) await assertParent(db, input.id, input.parentId);
  await db.assetGroup
    .update({
      where: { id: input.id },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
        ...(input.metadata !== undefined ? { metadata: json(input.metadata) } : {}),
      },
    })
    .catch((e) => conflictOnUnique(e, `a group named "${input.name}" already exists`));
  return getGroup(db, input.id);
}

export async function deleteGroup(db: TenantDb, id: string) {
  const g = await getGroup(db, id);
  if (g.children > 0) throw AppError.conflict(`group "${g.name}" has ${g.children} child group(s): move or delete them first`);
  await db.assetGroup.delete({ where: { id } });
  return { id };
}

export async function searchGroups(db: TenantDb, input: z.infer<typeof ZSearchGroupsSchema>) {
  const rows = await db.assetGroup.findMany({
    where: {
      ...(input.query ? { name: { contains: input.query, mode: "insensitive" as const } } : {}),
      ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
    },
    select: groupSelect,
    orderBy: { name: "asc" },
    take: input.limit,
  });
  return { items: rows.map(present) };
}

export async function addAssetsToGroup(db: TenantDb, input: z.infer<typeof ZGroupAssetsSchema>) {
  await getGroup(db, input.groupId);
  const found = await db.asset.findMany({ where: { id: { in: input.assetIds } }, select: { id: true } });
  const missing = input.assetIds.filter((id) => !found.some((a) => a.id === id));
  if (missing.length) throw AppError.notFound("asset", missing.slice(0, 5).join(", "));
  await db.assetGroupMember.createMany({
    data: input.assetIds.map((assetId) => ({ tenantId: db.tenantId, groupId: input.groupId, assetId })),
    skipDuplicates: true,
  });
  return getGroup(db, input.groupId);
}

export async function removeAssetsFromGroup(db: TenantDb, input: z.infer<typeof ZGroupAssetsSchema>) {
  await getGroup(db, input.groupId);
  await db.assetGroupMember.deleteMany({ where: { groupId: input.groupId, assetId: { in: input.assetIds } } });
  return getGroup(db, input.groupId);
}
