-- Up Migration
-- Issue 16 (decision 0013): the program settings' Azure markup becomes a price rule: every customer, the Azure plan
-- product, a markup on cost, applying to every month as the setting did. One rule per workspace (the Autotask
-- program's markup when both PSAs set one); the stored setting goes to 0 (the rule is the truth from now on).
insert into price_rules (workspace_id, offers_kind, offers_value, basis, method, value, rounding, valid_from,
                         position, note, created_by)
select distinct on (p.workspace_id)
       p.workspace_id, 'product', 'DZH318Z0BPS6', 'cost', 'markup', (p.settings ->> 'azureMarkupPercent')::numeric,
       'cent', date '2000-01-01', 0, 'Azure markup (program settings)', 'migration'
from programs p
where coalesce((p.settings ->> 'azureMarkupPercent')::numeric, 0) <> 0
order by p.workspace_id, (p.target = 'autotask') desc;

update programs set settings = jsonb_set(settings, '{azureMarkupPercent}', '"0"')
where coalesce((settings ->> 'azureMarkupPercent')::numeric, 0) <> 0;

-- Down Migration
update programs p set settings = jsonb_set(p.settings, '{azureMarkupPercent}', to_jsonb(r.value::text))
from price_rules r
where r.workspace_id = p.workspace_id and r.note = 'Azure markup (program settings)' and r.created_by = 'migration';
delete from price_rules where note = 'Azure markup (program settings)' and created_by = 'migration';
