-- The services of a community service station (社区服务站) and four windows. Editable by admins.
-- Hours: weekdays 08:30-17:30 (9 h); 综合咨询 is open all year with staggered hours (错时):
-- weekdays 08:00-20:00, weekends and holidays 09:00-17:00.

INSERT INTO services (id, name_zh, name_en, prefix, daily_cap, hours, id_required, expected_service_s, sort) VALUES
  ('social-security', '社会保障', 'Social security', 'A', 300, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 1, 480, 1),
  ('elderly-care', '养老服务', 'Elderly care', 'B', 300, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":["09:00-17:00"]}', 0, 600, 2),
  ('social-assistance', '社会救助', 'Social assistance', 'C', 200, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 1, 900, 3),
  ('health', '医疗卫生与计生', 'Health and family planning', 'D', 300, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 0, 420, 4),
  ('employment', '就业', 'Employment', 'E', 300, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 0, 600, 5),
  ('disability', '残疾人服务', 'Disability services', 'F', 200, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 1, 720, 6),
  ('household', '户籍与居住证', 'Household registration and residence permits', 'G', 200, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 1, 600, 7),
  ('legal', '法律服务', 'Legal services', 'H', 100, '{"0":[],"1":["08:30-17:30"],"2":["08:30-17:30"],"3":["08:30-17:30"],"4":["08:30-17:30"],"5":["08:30-17:30"],"6":[]}', 0, 1200, 8),
  ('general', '综合咨询', 'General enquiries', 'J', 500, '{"0":["09:00-17:00"],"1":["08:00-20:00"],"2":["08:00-20:00"],"3":["08:00-20:00"],"4":["08:00-20:00"],"5":["08:00-20:00"],"6":["09:00-17:00"]}', 0, 300, 9);

INSERT INTO windows (id, name) VALUES (1, '1号窗口'), (2, '2号窗口'), (3, '3号窗口'), (4, '4号窗口');

INSERT INTO window_services (window_id, service_id) VALUES
  (1, 'social-security'), (1, 'elderly-care'), (1, 'social-assistance'),
  (2, 'social-security'), (2, 'health'), (2, 'employment'),
  (3, 'disability'), (3, 'household'), (3, 'legal'),
  (4, 'social-security'), (4, 'elderly-care'), (4, 'social-assistance'), (4, 'health'), (4, 'employment'),
  (4, 'disability'), (4, 'household'), (4, 'legal'), (4, 'general');
