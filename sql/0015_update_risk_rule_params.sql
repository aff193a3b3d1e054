-- 0015_update_risk_rule_params.sql
-- 台帐 #0015 交易反欺诈规则阈值调整（风控 / 规则引擎）
-- 数据库：MySQL 5.7  schema: risk
-- author: 王芳  date: 2019-03-08  version: 1
-- 回退：将 param_value 改回 50000 / 20000，version 再加 1

USE risk;

START TRANSACTION;

UPDATE t_rule_param
   SET param_value = '100000', version = version + 1, upd_user = 'CHG0314', upd_time = NOW()
 WHERE rule_id = 'R031' AND param_key = 'single_amt_limit' AND param_value = '50000';

UPDATE t_rule_param
   SET param_value = '10000', version = version + 1, upd_user = 'CHG0314', upd_time = NOW()
 WHERE rule_id = 'R047' AND param_key = 'new_device_amt_limit' AND param_value = '20000';

-- 预期各更新 1 行
SELECT rule_id, param_key, param_value, version
  FROM t_rule_param
 WHERE rule_id IN ('R031', 'R047');

COMMIT;
