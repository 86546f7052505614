/** A deployment's own facts on a shipped connector, as docs/connectors.md writes them. */

/** Pipedrive's label `labelId` as the tag `tag`, beside everything the shipped rules read. */
export function pipedriveLabelAsTag(labelId: number, tag = 'vip') {
  return {
    extends: 'pipedrive',
    rules: [
      {
        when: 'data',
        continue: true,
        tags: [{ tag, on: `contains(data.label_ids || \`[]\`, \`${labelId}\`)` }],
        factsVersion: 'meta.timestamp || data.update_time',
      },
    ],
  };
}
