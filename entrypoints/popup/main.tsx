import { render } from 'preact';
import { t } from '../../src/ui/i18n';
import { PopupApp } from '../../src/ui/popup/PopupApp';
import '../../src/ui/theme.css';

document.title = t('extName');
document.documentElement.lang = t('kitLang');
render(<PopupApp />, document.getElementById('app')!);
